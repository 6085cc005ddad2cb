package dev.airlock.vmm.legacy;

import dev.airlock.vmm.bus.BusDevice;
import dev.airlock.vmm.bus.InterruptLine;
import dev.airlock.vmm.metrics.Counters;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;

/**
 * A 16550A-compatible UART (the "8250" Linux drives as ttyS0) at COM1: eight registers, the
 * divisor latch behind LCR.DLAB, loopback, and interrupts on its line for received data and
 * for an empty transmit holding register. Transmission is instant: every byte the guest writes
 * goes straight to the output stream (the console log), so THR is always empty.
 *
 * <p>Registers (offset from the base port): 0 RBR/THR (DLL when DLAB), 1 IER (DLM when DLAB),
 * 2 IIR/FCR, 3 LCR, 4 MCR, 5 LSR, 6 MSR, 7 SCR.
 */
public final class Serial8250 implements BusDevice {

    /** Received bytes held for the guest; more are dropped and counted. */
    public static final int INPUT_CAPACITY = 4096;

    static final int IER_RX_AVAILABLE = 0x01;
    static final int IER_THR_EMPTY = 0x02;
    static final int IIR_NONE = 0x01;
    static final int IIR_THR_EMPTY = 0x02;
    static final int IIR_RX_AVAILABLE = 0x04;
    static final int IIR_FIFO_ENABLED = 0xc0;
    static final int LCR_DLAB = 0x80;
    static final int MCR_DTR = 0x01;
    static final int MCR_RTS = 0x02;
    static final int MCR_OUT1 = 0x04;
    static final int MCR_OUT2 = 0x08;
    static final int MCR_LOOP = 0x10;
    static final int LSR_DATA_READY = 0x01;
    static final int LSR_OVERRUN = 0x02;
    static final int LSR_THR_EMPTY = 0x20;
    static final int LSR_IDLE = 0x40;
    static final int MSR_CTS = 0x10;
    static final int MSR_DSR = 0x20;
    static final int MSR_RI = 0x40;
    static final int MSR_DCD = 0x80;

    /** Named counters. */
    public enum Counter { TX_BYTES, RX_BYTES, RX_DROPPED, OUTPUT_ERRORS }

    private final OutputStream out;
    private final InterruptLine irq;
    private final Counters<Counter> counters = new Counters<>(Counter.class);
    private final ArrayDeque<Byte> input = new ArrayDeque<>();

    private int ier;
    private int lcr;
    private int mcr = MCR_OUT2;
    private int scr;
    private int fcr;
    private int dll = 0x0c; // 9600 baud at the 1.8432 MHz clock, as firmware leaves it
    private int dlm;
    private boolean thrEmptyPending;
    private boolean overrun;

    public Serial8250(OutputStream out, InterruptLine irq) {
        this.out = out;
        this.irq = irq;
    }

    public java.util.Map<String, Long> counters() {
        return counters.snapshot();
    }

    /** Bytes typed at the console for the guest; any thread. */
    public synchronized void receive(byte[] bytes) {
        boolean wasEmpty = input.isEmpty();
        for (byte b : bytes) {
            if (input.size() >= INPUT_CAPACITY) {
                counters.increment(Counter.RX_DROPPED);
                overrun = true;
            } else {
                input.add(b);
                counters.increment(Counter.RX_BYTES);
            }
        }
        if (wasEmpty && !input.isEmpty() && (ier & IER_RX_AVAILABLE) != 0) {
            irq.pulse();
        }
    }

    @Override
    public synchronized void read(long offset, byte[] data) {
        java.util.Arrays.fill(data, (byte) 0);
        data[0] = (byte) readRegister((int) offset);
    }

    private int readRegister(int reg) {
        boolean dlab = (lcr & LCR_DLAB) != 0;
        return switch (reg) {
            case 0 -> dlab ? dll : readRbr();
            case 1 -> dlab ? dlm : ier;
            case 2 -> readIir();
            case 3 -> lcr;
            case 4 -> mcr;
            case 5 -> readLsr();
            case 6 -> readMsr();
            case 7 -> scr;
            default -> 0;
        };
    }

    private int readRbr() {
        Byte b = input.poll();
        return b == null ? 0 : b & 0xff;
    }

    private int readIir() {
        int fifo = (fcr & 1) != 0 ? IIR_FIFO_ENABLED : 0;
        if ((ier & IER_RX_AVAILABLE) != 0 && !input.isEmpty()) {
            return fifo | IIR_RX_AVAILABLE;
        }
        if ((ier & IER_THR_EMPTY) != 0 && thrEmptyPending) {
            thrEmptyPending = false; // reading IIR that reports THRE clears it
            return fifo | IIR_THR_EMPTY;
        }
        return fifo | IIR_NONE;
    }

    private int readLsr() {
        int v = LSR_THR_EMPTY | LSR_IDLE | (input.isEmpty() ? 0 : LSR_DATA_READY) | (overrun ? LSR_OVERRUN : 0);
        overrun = false;
        return v;
    }

    private int readMsr() {
        if ((mcr & MCR_LOOP) != 0) {
            return ((mcr & MCR_RTS) != 0 ? MSR_CTS : 0) | ((mcr & MCR_DTR) != 0 ? MSR_DSR : 0)
                    | ((mcr & MCR_OUT1) != 0 ? MSR_RI : 0) | ((mcr & MCR_OUT2) != 0 ? MSR_DCD : 0);
        }
        return MSR_DCD | MSR_DSR | MSR_CTS;
    }

    @Override
    public synchronized void write(long offset, byte[] data) {
        int v = data[0] & 0xff;
        boolean dlab = (lcr & LCR_DLAB) != 0;
        switch ((int) offset) {
            case 0 -> {
                if (dlab) {
                    dll = v;
                } else {
                    transmit((byte) v);
                }
            }
            case 1 -> {
                if (dlab) {
                    dlm = v;
                } else {
                    int old = ier;
                    ier = v & 0x0f;
                    if ((ier & IER_THR_EMPTY) != 0 && (old & IER_THR_EMPTY) == 0) {
                        thrEmptyPending = true; // THR is empty, so enabling THRE interrupts fires one
                        irq.pulse();
                    } else if ((ier & IER_RX_AVAILABLE) != 0 && (old & IER_RX_AVAILABLE) == 0 && !input.isEmpty()) {
                        irq.pulse();
                    }
                }
            }
            case 2 -> {
                fcr = v;
                if ((v & 0x02) != 0) {
                    input.clear();
                }
            }
            case 3 -> lcr = v;
            case 4 -> mcr = v & 0x1f;
            case 7 -> scr = v;
            default -> { } // LSR and MSR are read-only
        }
    }

    private void transmit(byte b) {
        if ((mcr & MCR_LOOP) != 0) {
            if (input.size() < INPUT_CAPACITY) {
                input.add(b);
            } else {
                counters.increment(Counter.RX_DROPPED);
            }
        } else {
            try {
                out.write(b);
                if (b == '\n') {
                    out.flush();
                }
                counters.increment(Counter.TX_BYTES);
            } catch (IOException e) {
                counters.increment(Counter.OUTPUT_ERRORS);
            }
        }
        thrEmptyPending = true;
        if ((ier & IER_THR_EMPTY) != 0) {
            irq.pulse();
        }
    }
}
