package dev.airlock.vmm.legacy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.airlock.vmm.bus.Bus;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class I8042Test {

    @Test
    void resetCommandEndsTheVmAndOtherCommandsAnswer() {
        AtomicInteger resets = new AtomicInteger();
        I8042 kbc = new I8042(resets::incrementAndGet);
        Bus pio = new Bus("pio");
        kbc.register(pio);

        pio.write(0x64, new byte[] {(byte) 0xaa});
        byte[] status = new byte[1];
        pio.read(0x64, status);
        assertEquals(I8042.STATUS_OUTPUT_FULL, status[0] & I8042.STATUS_OUTPUT_FULL);
        byte[] data = new byte[1];
        pio.read(0x60, data);
        assertEquals(0x55, data[0], "self-test passed");

        pio.write(0x64, new byte[] {0x60});
        pio.write(0x60, new byte[] {0x47});
        pio.write(0x64, new byte[] {0x20});
        pio.read(0x60, data);
        assertEquals(0x47, data[0], "command byte round-trips");

        assertEquals(0, resets.get());
        pio.write(0x64, new byte[] {(byte) 0xfe});
        assertEquals(1, resets.get());
        assertEquals(1, kbc.resets());
    }
}
