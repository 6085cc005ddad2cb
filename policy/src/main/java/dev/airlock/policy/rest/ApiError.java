package dev.airlock.policy.rest;

/** Ends handling of one request with an HTTP status and OPA's error body; never escapes {@link OpaApi}. */
final class ApiError extends RuntimeException {
    final int status;
    final OpaErrorBody body;

    ApiError(int status, OpaErrorBody body) {
        super(body.describe(), null, false, false);
        this.status = status;
        this.body = body;
    }

    static ApiError badRequest(String message) {
        return new ApiError(400, new OpaErrorBody(OpaErrorBody.INVALID_PARAMETER, message));
    }
}
