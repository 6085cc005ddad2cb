package dev.airlock.secrets.broker;

import dev.airlock.secrets.scope.Placement;

/** Where in a request a placeholder was found. */
public enum FoundAt {
    HOST(null), PATH(Placement.PATH), QUERY(Placement.QUERY), HEADER_NAME(null), HEADER(Placement.HEADER),
    BASIC(Placement.BASIC), BODY(Placement.BODY);

    private final Placement placement;

    FoundAt(Placement placement) {
        this.placement = placement;
    }

    /** The placement a secret's scope must allow for a replacement here; null where nothing is ever replaced. */
    public Placement placement() {
        return placement;
    }
}
