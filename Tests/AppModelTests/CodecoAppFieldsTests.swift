import Foundation
import Testing

@testable import AppModel

/// Every CAM field reaches the model as a typed value with its unit.
@Suite struct CodecoAppFieldsTests {
    static let app = """
        apiVersion: codeco.he-codeco.eu/v1alpha1
        kind: CodecoApp
        metadata:
          name: shop
        spec:
          appName: shop
          qosClass: Silver
          appFailureTolerance: Medium
          codecoapp-msspec:
          - serviceName: front
            nwbandwidth: "1.2"
            podspec:
              containers:
              - name: front
                image: shop/front:1
            serviceChannels:
            - channelName: orders
              serviceClass: ASSURED
              colour: blue
              otherService: {appName: orders, serviceName: api, port: 8080}
              advancedChannelSettings: {minBandwidth: 5M, maxDelay: "10e-3", frameSize: "100", sendInterval: "0.5", jitter: "1"}
          - serviceName: worker
            podspec:
              containers:
              - name: worker
                image: shop/worker:1

        """

    static func parse(_ text: String) throws -> (Application, [ModelError]) {
        let document = try #require(try YAMLLoader.load(Data(text.utf8), file: "apps/shop/app.yaml").first)
        var warnings: [ModelError] = []
        let app = try CodecoAppParser.parse(document, directoryName: "shop", sourceDigest: "d", warnings: &warnings)
        return (app, warnings)
    }

    @Test func channelAndServiceFieldsAreTyped() throws {
        let (app, warnings) = try Self.parse(Self.app)
        #expect(app.failureTolerance == .medium)
        // 1.2 Mbit/s written plus the CAM default of 25 for the service that states none.
        #expect(abs(app.bandwidthMegabitsPerSecond - 26.2) < 1e-9)
        let channel = try #require(app.peerChannels.first)
        #expect(channel.app == "orders" && channel.service == "api")
        #expect(channel.serviceClass == .assured)
        #expect(channel.minBandwidthBitsPerSecond == 5_000_000)
        #expect(channel.maxDelayMilliseconds == 10)
        #expect(channel.frameSizeBytes == 100)
        #expect(channel.sendIntervalMilliseconds == 500)
        let messages = warnings.map(\.description)
        #expect(
            messages.contains { $0.hasPrefix("apps/shop/app.yaml:19:15: warning: unknown channel field \"colour\"") },
            "\(messages)")
        #expect(messages.contains { $0.contains("unknown channel setting \"jitter\"") })
    }

    @Test func emptyFailureToleranceIsUnsetWithAWarning() throws {
        let (app, warnings) = try Self.parse(
            Self.app.replacingOccurrences(of: "appFailureTolerance: Medium", with: "appFailureTolerance: \"\""))
        #expect(app.failureTolerance == nil)
        #expect(warnings.contains { $0.message == "empty appFailureTolerance read as unset" })
    }

    @Test func badChannelValuesAreErrorsAtTheirField() throws {
        for (replace, with, expected) in [
            ("serviceClass: ASSURED", "serviceClass: GOLD", "serviceClass \"GOLD\" is not BESTEFFORT or ASSURED"),
            ("frameSize: \"100\"", "frameSize: big", "frameSize \"big\" is not a number of bytes"),
            (
                "minBandwidth: 5M", "minBandwidth: fast",
                "minBandwidth \"fast\" is not bits per second (\"5M\", \"500k\")"
            ),
            ("nwbandwidth: \"1.2\"", "nwbandwidth: lots", "nwbandwidth \"lots\" is not a number of Mbit/s"),
        ] {
            #expect(throws: ModelError.self) { try Self.parse(Self.app.replacingOccurrences(of: replace, with: with)) }
            do {
                _ = try Self.parse(Self.app.replacingOccurrences(of: replace, with: with))
            } catch let error as ModelError {
                #expect(error.message == expected)
                #expect(error.line > 1)
            }
        }
    }

    @Test func theOlderLowerCaseFormatIsRefused() throws {
        let older = Self.app.replacingOccurrences(
            of: "  qosClass: Silver\n", with: "  qosClass: Silver\n  required-resources: {cpu: 1}\n")
        #expect(throws: ModelError.self) { try Self.parse(older) }
        do {
            _ = try Self.parse(older)
        } catch let error as ModelError {
            #expect(error.message.contains("older lower-case CAM format"))
            #expect(error.line == 8)
        }
    }
}
