package dev.airlock.vmm.legacy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.airlock.vmm.testing.CountingLine;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

class Serial8250Test {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final CountingLine irq = new CountingLine();
    private final Serial8250 uart = new Serial8250(out, irq);

    private int in(int reg) {
        byte[] b = new byte[1];
        uart.read(reg, b);
        return b[0] & 0xff;
    }

    private void out(int reg, int v) {
        uart.write(reg, new byte[] {(byte) v});
    }

    @Test
    void transmittedBytesGoToTheOutput() {
        for (byte b : "boot\n".getBytes()) {
            out(0, b);
        }
        assertEquals("boot\n", out.toString());
        assertEquals(Serial8250.LSR_THR_EMPTY | Serial8250.LSR_IDLE, in(5), "transmitter always empty");
        assertEquals(0, irq.edges(), "no interrupts while IER is 0");
    }

    @Test
    void divisorLatchHidesDataAndIer() {
        out(3, Serial8250.LCR_DLAB | 0x03);
        out(0, 0x01);
        out(1, 0x00);
        assertEquals(0x01, in(0));
        assertEquals(0x00, in(1));
        assertEquals("", out.toString(), "DLL writes are not transmitted");
        out(3, 0x03);
        assertEquals(0x03, in(3));
        out(1, 0x05);
        assertEquals(0x05, in(1), "IER visible again");
    }

    @Test
    void receivedBytesRaiseDataReadyAndAnInterrupt() {
        out(1, Serial8250.IER_RX_AVAILABLE);
        assertEquals(Serial8250.IIR_NONE, in(2));
        uart.receive("ok".getBytes());
        assertEquals(1, irq.edges());
        assertEquals(Serial8250.IIR_RX_AVAILABLE, in(2));
        assertEquals(Serial8250.LSR_DATA_READY, in(5) & Serial8250.LSR_DATA_READY);
        assertEquals('o', in(0));
        assertEquals('k', in(0));
        assertEquals(0, in(5) & Serial8250.LSR_DATA_READY);
        assertEquals(Serial8250.IIR_NONE, in(2));
    }

    @Test
    void thrEmptyInterruptFiresOnEnableAndAfterEachWriteAndClearsOnIirRead() {
        out(1, Serial8250.IER_THR_EMPTY);
        assertEquals(1, irq.edges());
        assertEquals(Serial8250.IIR_THR_EMPTY, in(2));
        assertEquals(Serial8250.IIR_NONE, in(2), "reading IIR cleared it");
        out(0, 'x');
        assertEquals(2, irq.edges());
        out(2, 0x01); // enable FIFOs
        assertEquals(Serial8250.IIR_FIFO_ENABLED | Serial8250.IIR_THR_EMPTY, in(2));
    }

    @Test
    void loopbackEchoesOutputAndModemLines() {
        out(4, Serial8250.MCR_LOOP | Serial8250.MCR_RTS | Serial8250.MCR_OUT2);
        out(0, 0x5a);
        assertEquals("", out.toString(), "loopback bytes do not leave the UART");
        assertEquals(0x5a, in(0));
        assertEquals(Serial8250.MSR_CTS | Serial8250.MSR_DCD, in(6));
        out(4, 0);
        assertEquals(Serial8250.MSR_CTS | Serial8250.MSR_DSR | Serial8250.MSR_DCD, in(6));
    }

    @Test
    void scratchRegisterAndInputOverflow() {
        out(7, 0xa5);
        assertEquals(0xa5, in(7));
        uart.receive(new byte[Serial8250.INPUT_CAPACITY + 10]);
        assertEquals(10, uart.counters().get("rx_dropped"));
        assertEquals(Serial8250.LSR_OVERRUN, in(5) & Serial8250.LSR_OVERRUN);
        assertEquals(0, in(5) & Serial8250.LSR_OVERRUN, "overrun clears on read");
    }
}
