package dev.airlock.vmm.memory;

/**
 * Where everything lives in the guest-physical address space and in port space. The one place
 * for these numbers; {@code docs/vmm.md} draws the same map.
 *
 * <pre>
 * 0x0000_0000  real-mode IVT and BIOS data area (left zero)
 * 0x0000_0500  GDT                 (GDT_ADDRESS, 4 entries used)
 * 0x0000_0520  IDT                 (IDT_ADDRESS, empty: the kernel installs its own)
 * 0x0000_6000  PVH hvm_start_info  (PVH_INFO_ADDRESS) and its memory map after it
 * 0x0000_7000  Linux boot_params   ("zero page", ZERO_PAGE_ADDRESS)
 * 0x0000_8ff0  boot stack top      (BOOT_STACK_POINTER, grows down)
 * 0x0000_9000  PML4, PDPT, PD      (identity map of the first 1 GiB with 2 MiB pages)
 * 0x0002_0000  kernel command line (CMDLINE_ADDRESS, at most CMDLINE_MAX_SIZE bytes)
 * 0x0009_fc00  end of low RAM      (EBDA_START; e820 reserves what follows up to 1 MiB)
 * 0x000e_0000  ACPI tables, RSDP first (ACPI_ADDRESS; also where legacy RSDP scans look)
 * 0x0010_0000  kernel image        (KERNEL_ADDRESS, 1 MiB); initrd placed at the top of RAM
 * ...          RAM up to the guest's size (at most MMIO_GAP_START)
 * 0xd000_0000  virtio-mmio devices, VIRTIO_MMIO_STRIDE apart (MMIO_GAP_START)
 * 0xfec0_0000  IOAPIC              (IOAPIC_ADDRESS, in-kernel)
 * 0xfee0_0000  local APIC          (LAPIC_ADDRESS, in-kernel)
 * 0xfffb_c000  KVM identity map page and TSS (three pages) on Intel hosts
 * </pre>
 */
public final class AddressMap {

    private AddressMap() {}

    public static final long GDT_ADDRESS = 0x500;
    public static final long IDT_ADDRESS = 0x520;
    public static final long PVH_INFO_ADDRESS = 0x6000;
    public static final long ZERO_PAGE_ADDRESS = 0x7000;
    public static final long BOOT_STACK_POINTER = 0x8ff0;
    public static final long PML4_ADDRESS = 0x9000;
    public static final long PDPT_ADDRESS = 0xa000;
    public static final long PD_ADDRESS = 0xb000;
    public static final long CMDLINE_ADDRESS = 0x20000;
    public static final int CMDLINE_MAX_SIZE = 0x10000;
    public static final long EBDA_START = 0x9fc00;
    public static final long ACPI_ADDRESS = 0xe0000;
    public static final long ACPI_MAX_SIZE = 0x20000;
    public static final long KERNEL_ADDRESS = 0x100000;

    /** Start of the 32-bit hole below 4 GiB where device MMIO lives; guest RAM stops here. */
    public static final long MMIO_GAP_START = 0xd000_0000L;
    public static final long MMIO_GAP_END = 0x1_0000_0000L;
    public static final long VIRTIO_MMIO_BASE = MMIO_GAP_START;
    /** One 4 KiB register window per virtio-mmio device. */
    public static final long VIRTIO_MMIO_STRIDE = 0x1000;
    /** GSI of the first virtio-mmio device; the next devices take the following lines. */
    public static final int VIRTIO_FIRST_IRQ = 5;
    public static final int VIRTIO_MAX_DEVICES = 16;

    public static final long IOAPIC_ADDRESS = 0xfec0_0000L;
    public static final long LAPIC_ADDRESS = 0xfee0_0000L;
    public static final long KVM_IDENTITY_MAP_ADDRESS = 0xfffb_c000L;
    public static final long KVM_TSS_ADDRESS = 0xfffb_d000L;

    public static final int COM1_PORT = 0x3f8;
    public static final int COM1_IRQ = 4;
    public static final int I8042_DATA_PORT = 0x60;
    public static final int I8042_COMMAND_PORT = 0x64;

    /** The register window of the {@code n}th virtio-mmio device. */
    public static long virtioMmioAddress(int n) {
        return VIRTIO_MMIO_BASE + n * VIRTIO_MMIO_STRIDE;
    }

    /** The GSI of the {@code n}th virtio-mmio device. */
    public static int virtioIrq(int n) {
        return VIRTIO_FIRST_IRQ + n;
    }
}
