package dev.airlock.netstack.flow;

/** The transport a flow uses. */
public enum Transport {
    TCP,
    UDP
}
