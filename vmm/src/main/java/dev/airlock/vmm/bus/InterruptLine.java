package dev.airlock.vmm.bus;

/**
 * One guest interrupt line as a device sees it. Edge-triggered devices (virtio-mmio, the UART
 * as wired here) call {@link #pulse()}; level-triggered ones call {@link #set(boolean)}.
 */
public interface InterruptLine {

    void set(boolean high);

    /** An edge: raise then lower. */
    default void pulse() {
        set(true);
        set(false);
    }
}
