import AppModel

/// What every create and update passes before it is stored: the CRD schema (prune, default, validate) and,
/// for ManifestWorks, OCM's validating webhook.
extension HubStore {
    /// Checks a candidate object.
    /// - Returns: the object pruned of unknown fields and with schema defaults applied.
    /// - Throws: ``APIError`` 422 Invalid naming each failing field, 400 for unknown fields under
    ///   `fieldValidation=Strict` and for ManifestWork admission failures.
    func admit(
        _ type: ResourceType, name: String, _ candidate: Value, part: WritePart, options: WriteOptions
    )
        throws -> Value
    {
        var result = candidate
        if type.isCustomResource, let schema = schemas.schema(for: type) {
            let keepStatus = part == .main && type.hasStatusSubresource
            var validator = SchemaValidator()
            let checked = validator.check(object: keepStatus ? candidate.removing("status") : candidate, schema: schema)
            if options.strictFields, !validator.unknownFields.isEmpty {
                let fields = validator.unknownFields.map { "unknown field \"\($0)\"" }.joined(separator: ", ")
                throw APIError.badRequest("strict decoding error: \(fields)")
            }
            if !validator.causes.isEmpty { throw APIError.invalid(type, name, causes: validator.causes) }
            result = keepStatus ? checked.setting("status", toOptional: candidate["status"]) : checked
        }
        if type == ResourceCatalog.manifestWorks, part == .main {
            try WorkAdmission(limitBytes: configuration.manifestLimitBytes).check(result)
        }
        return result
    }
}
