package dev.airlock.vmm.legacy;

import dev.airlock.vmm.bus.Bus;
import dev.airlock.vmm.bus.BusDevice;
import dev.airlock.vmm.memory.AddressMap;

/**
 * The smallest i8042 keyboard controller Linux needs: enough to find no keyboard, and the
 * "pulse reset line" command (0xFE on port 0x64) that {@code reboot=k} uses, which ends the VM
 * cleanly through {@code onReset}. Also answers the controller self-test and command byte.
 */
public final class I8042 {

    static final int STATUS_OUTPUT_FULL = 0x01;
    static final int STATUS_SYSTEM_FLAG = 0x04;
    static final int CMD_READ_COMMAND_BYTE = 0x20;
    static final int CMD_WRITE_COMMAND_BYTE = 0x60;
    static final int CMD_SELF_TEST = 0xaa;
    static final int CMD_PULSE_RESET = 0xfe;
    static final int SELF_TEST_OK = 0x55;

    private final Runnable onReset;
    private int commandByte;
    private int output;
    private boolean outputFull;
    private boolean expectCommandByte;
    private int resets;

    public I8042(Runnable onReset) {
        this.onReset = onReset;
    }

    /** Registers the data port (0x60) and the command/status port (0x64) on {@code pio}. */
    public void register(Bus pio) {
        pio.register(AddressMap.I8042_DATA_PORT, 1, new BusDevice() {
            @Override
            public void read(long offset, byte[] data) {
                java.util.Arrays.fill(data, (byte) 0);
                data[0] = (byte) readData();
            }

            @Override
            public void write(long offset, byte[] data) {
                writeData(data[0] & 0xff);
            }
        });
        pio.register(AddressMap.I8042_COMMAND_PORT, 1, new BusDevice() {
            @Override
            public void read(long offset, byte[] data) {
                java.util.Arrays.fill(data, (byte) 0);
                data[0] = (byte) readStatus();
            }

            @Override
            public void write(long offset, byte[] data) {
                command(data[0] & 0xff);
            }
        });
    }

    public synchronized int readStatus() {
        return STATUS_SYSTEM_FLAG | (outputFull ? STATUS_OUTPUT_FULL : 0);
    }

    public synchronized int readData() {
        outputFull = false;
        return output;
    }

    public synchronized void writeData(int v) {
        if (expectCommandByte) {
            commandByte = v;
            expectCommandByte = false;
        }
    }

    public void command(int cmd) {
        boolean reset = false;
        synchronized (this) {
            switch (cmd) {
                case CMD_READ_COMMAND_BYTE -> respond(commandByte);
                case CMD_WRITE_COMMAND_BYTE -> expectCommandByte = true;
                case CMD_SELF_TEST -> respond(SELF_TEST_OK);
                case CMD_PULSE_RESET -> {
                    resets++;
                    reset = true;
                }
                default -> { } // no keyboard or mouse behind this controller
            }
        }
        if (reset) {
            onReset.run();
        }
    }

    private void respond(int v) {
        output = v;
        outputFull = true;
    }

    public synchronized int resets() {
        return resets;
    }
}
