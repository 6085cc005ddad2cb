package dev.airlock.netstack.tcp;

/** Demultiplexing key: guest address/port and the destination address/port it dialed. */
record ConnectionKey(int guestIp, int guestPort, int remoteIp, int remotePort) {}
