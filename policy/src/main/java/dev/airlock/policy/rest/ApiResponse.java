package dev.airlock.policy.rest;

/** What {@link OpaApi} answers: an HTTP status and a JSON body. */
public record ApiResponse(int status, String json) {}
