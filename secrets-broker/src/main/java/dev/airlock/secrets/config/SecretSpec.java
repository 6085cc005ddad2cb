package dev.airlock.secrets.config;

import dev.airlock.secrets.scope.SecretScope;

/**
 * One validated entry of the secrets file, before its value is read. {@code index} and
 * {@code position} let later errors (a missing variable) point back at the entry.
 */
public record SecretSpec(int index, String name, SecretSource source, SecretScope scope, SourcePosition position) {}
