import Foundation

/// Git's smart HTTP protocol over TLS on 127.0.0.1: Debian's nginx in front of `git http-backend` run by fcgiwrap,
/// with HTTP basic authentication, for tests and demos.
///
/// Every repository under `projectRoot` is served (`GIT_HTTP_EXPORT_ALL`) with push enabled
/// (`http.receivepack true`, passed as `GIT_CONFIG_*` environment). A throwaway CA and a server certificate for
/// 127.0.0.1 (subjectAltName IP and DNS 127.0.0.1, ECDSA P-256) are made with the `openssl` CLI; clients trust
/// `caBundlePath`. The one account is `username` with `token` as its password (htpasswd line made with
/// `openssl passwd -apr1`). Config, keys, socket, pid and logs live in a fresh temporary folder, removed by
/// `stop()`. Needs nginx, fcgiwrap, git and openssl (Debian packages of those names).
public final class HTTPSGitServer: @unchecked Sendable {
    /// The TCP port on 127.0.0.1.
    public let port: Int
    /// The folder whose repositories are served (`GIT_PROJECT_ROOT`).
    public let projectRoot: String
    /// The temporary folder with config, keys and logs (`nginx-error.log`, `fcgiwrap.log`).
    public let directory: String
    /// The PEM certificate of the CA that issued the server's certificate.
    public let caBundlePath: String
    /// The basic-auth user name.
    public let username: String
    /// Whether the server speaks TLS (false only to test that clients refuse to send tokens over plain HTTP).
    public let tls: Bool
    private var nginx: SpawnedProcess?
    private var fcgiwrap: SpawnedProcess?

    /// Generates the CA, certificate and htpasswd file, starts fcgiwrap and nginx, and waits (up to 10 s) until
    /// nginx accepts connections.
    ///
    /// - Parameters:
    ///   - projectRoot: The folder holding the bare repositories to serve.
    ///   - username: The basic-auth user name.
    ///   - token: The password clients must send.
    ///   - tls: false serves plain http:// (the certificates are still made; clients should refuse tokens).
    /// - Throws: `GitDaemonError` if a tool is missing or fails, or a server does not start in time (the message
    ///   includes the end of the logs).
    public init(projectRoot: String, username: String = "git", token: String, tls: Bool = true) throws {
        port = try FreePort.find()
        self.projectRoot = projectRoot
        self.username = username
        self.tls = tls
        directory =
            FileManager.default.temporaryDirectory
            .appendingPathComponent("placer-https-\(UUID().uuidString)").path
        for sub in ["", "/tmp"] {
            try FileManager.default.createDirectory(atPath: directory + sub, withIntermediateDirectories: true)
        }
        caBundlePath = try HTTPSGitServer.makeCertificateAuthority(in: directory, name: "ca")
        try HTTPSGitServer.issueServerCertificate(in: directory, ca: "ca")
        let hash = try GitServerTool.run("/usr/bin/openssl", ["passwd", "-apr1", "-stdin"], input: Data(token.utf8))
        try "\(username):\(hash.trimmingCharacters(in: .whitespacesAndNewlines))\n"
            .write(toFile: directory + "/htpasswd", atomically: true, encoding: .utf8)
        try HTTPSGitServer.nginxConfig(directory: directory, port: port, projectRoot: projectRoot, tls: tls)
            .write(toFile: directory + "/nginx.conf", atomically: true, encoding: .utf8)
        do {
            let fcgiwrap = try SpawnedProcess(
                "/usr/sbin/fcgiwrap", ["-s", "unix:\(directory)/fcgiwrap.sock"], logPath: directory + "/fcgiwrap.log")
            self.fcgiwrap = fcgiwrap
            try waitUntil("fcgiwrap", running: fcgiwrap) {
                FileManager.default.fileExists(atPath: self.directory + "/fcgiwrap.sock")
            }
            let nginx = try SpawnedProcess(
                "/usr/sbin/nginx",
                ["-p", directory, "-e", directory + "/nginx-error.log", "-c", directory + "/nginx.conf"],
                logPath: directory + "/nginx-stderr.log")
            self.nginx = nginx
            try waitUntil("nginx", running: nginx) { FreePort.accepts(port: self.port) }
        } catch {
            stop()
            throw error
        }
    }

    /// The https:// URL (http:// without TLS) of `repository` (a path under `projectRoot`, e.g. `"config.git"`).
    public func url(for repository: String) -> String { "\(tls ? "https" : "http")://127.0.0.1:\(port)/\(repository)" }

    /// Kills nginx and fcgiwrap (SIGKILL) and removes the temporary folder.
    public func stop() {
        nginx?.stop()
        fcgiwrap?.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    deinit { stop() }

    /// Makes a self-signed CA (ECDSA P-256, valid 2 days) with the `openssl` CLI.
    ///
    /// - Parameters:
    ///   - directory: Where to write `<name>.pem` and `<name>.key`.
    ///   - name: The files' base name; also in the CA's common name.
    /// - Returns: The path of the CA certificate (PEM).
    /// - Throws: `GitDaemonError` if openssl fails.
    public static func makeCertificateAuthority(in directory: String, name: String) throws -> String {
        let base = directory + "/" + name
        try GitServerTool.run(
            "/usr/bin/openssl",
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", base + ".key", "-out", base + ".pem", "-days", "2", "-subj", "/CN=Placer test CA \(name)",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            ])
        return base + ".pem"
    }

    /// Issues `server.pem`/`server.key` for 127.0.0.1 from CA `ca` in `directory`.
    private static func issueServerCertificate(in directory: String, ca: String) throws {
        let base = directory + "/server"
        try GitServerTool.run(
            "/usr/bin/openssl",
            [
                "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", base + ".key",
                "-out", base + ".csr", "-subj", "/CN=127.0.0.1",
            ])
        // DNS:127.0.0.1 too: mbedTLS 2.28 (libgit2's TLS on Debian 12) matches host names against DNS entries only.
        try """
        subjectAltName=IP:127.0.0.1,DNS:127.0.0.1,DNS:localhost
        basicConstraints=CA:FALSE
        keyUsage=critical,digitalSignature
        extendedKeyUsage=serverAuth

        """.write(toFile: base + ".ext", atomically: true, encoding: .utf8)
        try GitServerTool.run(
            "/usr/bin/openssl",
            [
                "x509", "-req", "-in", base + ".csr", "-CA", "\(directory)/\(ca).pem", "-CAkey",
                "\(directory)/\(ca).key",
                "-CAcreateserial", "-out", base + ".pem", "-days", "2", "-extfile", base + ".ext",
            ])
    }

    /// nginx in the foreground as a single process (`master_process off`, so SIGKILL leaves no workers behind).
    private static func nginxConfig(directory: String, port: Int, projectRoot: String, tls: Bool) -> String {
        """
        daemon off;
        master_process off;
        user root;
        worker_processes 1;
        pid \(directory)/nginx.pid;
        error_log \(directory)/nginx-error.log info;
        events { worker_connections 64; }
        http {
            access_log \(directory)/nginx-access.log;
            client_body_temp_path \(directory)/tmp/body;
            fastcgi_temp_path \(directory)/tmp/fastcgi;
            proxy_temp_path \(directory)/tmp/proxy;
            uwsgi_temp_path \(directory)/tmp/uwsgi;
            scgi_temp_path \(directory)/tmp/scgi;
            server {
                listen 127.0.0.1:\(port)\(tls ? " ssl" : "");
                ssl_certificate \(directory)/server.pem;
                ssl_certificate_key \(directory)/server.key;
                client_max_body_size 0;
                auth_basic "git";
                auth_basic_user_file \(directory)/htpasswd;
                location / {
                    fastcgi_pass unix:\(directory)/fcgiwrap.sock;
                    fastcgi_buffering off;
                    fastcgi_request_buffering off;
                    fastcgi_param SCRIPT_FILENAME /usr/lib/git-core/git-http-backend;
                    fastcgi_param GIT_PROJECT_ROOT \(projectRoot);
                    fastcgi_param GIT_HTTP_EXPORT_ALL "";
                    fastcgi_param GIT_CONFIG_COUNT 1;
                    fastcgi_param GIT_CONFIG_KEY_0 http.receivepack;
                    fastcgi_param GIT_CONFIG_VALUE_0 true;
                    fastcgi_param PATH_INFO $uri;
                    fastcgi_param REMOTE_USER $remote_user;
                    fastcgi_param REMOTE_ADDR $remote_addr;
                    fastcgi_param REQUEST_METHOD $request_method;
                    fastcgi_param QUERY_STRING $query_string;
                    fastcgi_param CONTENT_TYPE $content_type;
                    fastcgi_param CONTENT_LENGTH $content_length;
                    fastcgi_param SERVER_PROTOCOL $server_protocol;
                    fastcgi_param GATEWAY_INTERFACE CGI/1.1;
                    fastcgi_param HTTP_GIT_PROTOCOL $http_git_protocol;
                }
            }
        }

        """
    }

    private func waitUntil(_ what: String, running process: SpawnedProcess, _ ready: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(10)
        while !ready() {
            guard Date() < deadline, process.isRunning else {
                let logs = ["nginx-error.log", "nginx-stderr.log", "fcgiwrap.log"].map {
                    (try? String(contentsOfFile: directory + "/" + $0, encoding: .utf8))?.suffix(600) ?? ""
                }
                throw GitDaemonError("\(what) did not start on 127.0.0.1:\(port): \(logs.joined(separator: " | "))")
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }
}
