import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * Closed-loop HTTPS load generator for test/bench/proxy: N connections, each a thread sending
 * HTTP/1.1 requests back to back over one kept-alive TLS connection, either directly to the
 * server or through an HTTP proxy's CONNECT tunnel (TLS end to end through the tunnel, so an
 * intercepting proxy must present a certificate the trust file vouches for; host names are
 * verified). Requests made during the warm-up are not counted. A connection that fails is
 * counted as an error and re-opened.
 *
 * <p>Run with the JDK's source launcher, no build step:
 * <pre>java LoadGen.java --target bench.test:8443 --connect-to 127.0.0.1 [--proxy 127.0.0.1:3128]
 *     --trust cas.pem --conns 32 --warmup 10 --duration 20 [--header 'Authorization: Bearer X'] [--path /]</pre>
 *
 * <p>Prints one line of {@code key=value} pairs: requests, errors, rps, p50/p90/p99/max in ms, and
 * the generator's own CPU time per measured request.
 */
public final class LoadGen {
    private static String targetHost;
    private static int targetPort;
    private static String connectTo;
    private static String proxyHost;
    private static int proxyPort;
    private static String path = "/";
    private static final List<String> headers = new ArrayList<>();
    private static int conns = 32;
    private static double warmupSeconds = 10;
    private static double durationSeconds = 20;
    private static String label = "target";
    private static SSLSocketFactory tls;

    /** 0 = warm-up, 1 = measuring, 2 = done. */
    private static volatile int phase;
    private static final AtomicLong errors = new AtomicLong();
    private static final AtomicLong connects = new AtomicLong();
    private static volatile String firstError;
    private static byte[] request;

    public static void main(String[] args) throws Exception {
        String trust = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--target" -> { int c = v.lastIndexOf(':'); targetHost = v.substring(0, c); targetPort = Integer.parseInt(v.substring(c + 1)); i++; }
                case "--connect-to" -> { connectTo = v; i++; }
                case "--proxy" -> { int c = v.lastIndexOf(':'); proxyHost = v.substring(0, c); proxyPort = Integer.parseInt(v.substring(c + 1)); i++; }
                case "--trust" -> { trust = v; i++; }
                case "--path" -> { path = v; i++; }
                case "--header" -> { headers.add(v); i++; }
                case "--conns" -> { conns = Integer.parseInt(v); i++; }
                case "--warmup" -> { warmupSeconds = Double.parseDouble(v); i++; }
                case "--duration" -> { durationSeconds = Double.parseDouble(v); i++; }
                case "--label" -> { label = v; i++; }
                default -> throw new IllegalArgumentException("unknown argument " + a);
            }
        }
        if (targetHost == null || trust == null) throw new IllegalArgumentException("--target and --trust are required");
        tls = context(Path.of(trust)).getSocketFactory();
        StringBuilder sb = new StringBuilder("GET ").append(path).append(" HTTP/1.1\r\nHost: ").append(targetHost);
        if (targetPort != 443) sb.append(':').append(targetPort);
        sb.append("\r\nUser-Agent: airlock-bench-loadgen\r\nAccept: */*\r\n");
        for (String h : headers) sb.append(h).append("\r\n");
        request = sb.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);

        Worker[] workers = new Worker[conns];
        CountDownLatch done = new CountDownLatch(conns);
        for (int i = 0; i < conns; i++) {
            workers[i] = new Worker(done);
            Thread t = Thread.ofPlatform().name("conn-" + i).daemon(true).unstarted(workers[i]);
            t.start();
        }
        Thread.sleep((long) (warmupSeconds * 1000));
        long warmDone = 0;
        for (Worker w : workers) warmDone += w.warm;
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        phase = 1;
        long cpuStart = os.getProcessCpuTime();
        long start = System.nanoTime();
        long errorsAtStart = errors.get();
        Thread.sleep((long) (durationSeconds * 1000));
        phase = 2;
        long elapsed = System.nanoTime() - start;
        long cpu = os.getProcessCpuTime() - cpuStart;
        done.await(java.util.concurrent.TimeUnit.SECONDS.toMillis(30), java.util.concurrent.TimeUnit.MILLISECONDS);

        long n = 0;
        for (Worker w : workers) n += w.count;
        long[] all = new long[(int) n];
        int k = 0;
        for (Worker w : workers) {
            System.arraycopy(w.latencies, 0, all, k, w.count);
            k += w.count;
        }
        Arrays.sort(all);
        double seconds = elapsed / 1e9;
        System.out.printf(java.util.Locale.ROOT,
                "label=%s conns=%d warmup_requests=%d requests=%d errors=%d connects=%d seconds=%.1f rps=%.0f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f loadgen_cpu_us_per_req=%.1f%n",
                label, conns, warmDone, n, errors.get() - errorsAtStart, connects.get(), seconds, n / seconds,
                ms(pct(all, 0.50)), ms(pct(all, 0.90)), ms(pct(all, 0.99)), ms(n == 0 ? 0 : all[all.length - 1]), n == 0 ? 0 : cpu / 1e3 / n);
        if (firstError != null) System.err.println("loadgen " + label + ": first error: " + firstError);
        System.exit(n == 0 ? 1 : 0);
    }

    private static long pct(long[] sorted, double q) {
        if (sorted.length == 0) return 0;
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static SSLContext context(Path pem) throws Exception {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        int i = 0;
        try (InputStream in = Files.newInputStream(pem)) {
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) ks.setCertificateEntry("ca" + i++, c);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    /** One connection: requests back to back; latencies of the measured phase in nanoseconds. */
    private static final class Worker implements Runnable {
        private final CountDownLatch done;
        private final byte[] line = new byte[8192];
        long[] latencies = new long[1 << 14];
        int count;
        long warm;

        Worker(CountDownLatch done) {
            this.done = done;
        }

        @Override
        public void run() {
            try {
                while (phase < 2) {
                    try (SSLSocket s = open()) {
                        connects.incrementAndGet();
                        OutputStream out = s.getOutputStream();
                        InputStream in = new BufferedInputStream(s.getInputStream(), 16 * 1024);
                        while (phase < 2) {
                            int p = phase;
                            long t0 = System.nanoTime();
                            out.write(request);
                            out.flush();
                            boolean keep = readResponse(in, line);
                            long t = System.nanoTime() - t0;
                            if (p == 1 && phase == 1) record(t);
                            else if (p == 0) warm++;
                            if (!keep) break;
                        }
                    } catch (IOException | RuntimeException e) {
                        if (phase < 2) {
                            errors.incrementAndGet();
                            if (firstError == null) firstError = e.toString();
                            try {
                                Thread.sleep(10);
                            } catch (InterruptedException ie) {
                                return;
                            }
                        }
                    }
                }
            } finally {
                done.countDown();
            }
        }

        private void record(long t) {
            if (count == latencies.length) latencies = Arrays.copyOf(latencies, count * 2);
            latencies[count++] = t;
        }

        private SSLSocket open() throws IOException {
            Socket raw = new Socket();
            raw.setTcpNoDelay(true);
            raw.setSoTimeout(30_000);
            if (proxyHost != null) {
                raw.connect(new InetSocketAddress(proxyHost, proxyPort), 10_000);
                String connect = "CONNECT " + targetHost + ":" + targetPort + " HTTP/1.1\r\nHost: " + targetHost + ":" + targetPort + "\r\n\r\n";
                raw.getOutputStream().write(connect.getBytes(StandardCharsets.ISO_8859_1));
                raw.getOutputStream().flush();
                String head = readHead(raw.getInputStream());
                if (!head.startsWith("HTTP/1.1 200") && !head.startsWith("HTTP/1.0 200")) {
                    raw.close();
                    throw new IOException("CONNECT refused: " + head.lines().findFirst().orElse(head));
                }
            } else {
                raw.connect(new InetSocketAddress(connectTo != null ? connectTo : targetHost, targetPort), 10_000);
            }
            SSLSocket s = (SSLSocket) tls.createSocket(raw, targetHost, targetPort, true);
            SSLParameters p = s.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS");
            p.setServerNames(List.of(new SNIHostName(targetHost)));
            p.setApplicationProtocols(new String[] {"http/1.1"});
            s.setSSLParameters(p);
            s.startHandshake();
            return s;
        }
    }

    /** Reads a proxy's CONNECT answer up to the blank line, byte by byte (nothing of the tunnel is consumed). */
    private static String readHead(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int state = 0;
        while (state < 4) {
            int b = in.read();
            if (b < 0) throw new IOException("proxy closed the connection during CONNECT: " + sb);
            sb.append((char) b);
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1 : (b == '\r' ? 1 : 0);
            if (sb.length() > 16384) throw new IOException("CONNECT answer too long");
        }
        return sb.toString();
    }

    /**
     * Reads one response (status line, headers, Content-Length or chunked body) and says whether
     * the connection stays open. Anything but 200 is an error.
     */
    private static boolean readResponse(InputStream in, byte[] line) throws IOException {
        int n = readLine(in, line);
        String status = new String(line, 0, n, StandardCharsets.ISO_8859_1);
        if (!status.startsWith("HTTP/1.1 200")) {
            throw new IOException("unexpected response: " + status);
        }
        long length = -1;
        boolean chunked = false;
        boolean close = false;
        while ((n = readLine(in, line)) > 0) {
            String h = new String(line, 0, n, StandardCharsets.ISO_8859_1);
            int c = h.indexOf(':');
            if (c < 0) continue;
            String name = h.substring(0, c).trim();
            String value = h.substring(c + 1).trim();
            if (name.equalsIgnoreCase("content-length")) length = Long.parseLong(value);
            else if (name.equalsIgnoreCase("transfer-encoding")) chunked = value.toLowerCase(java.util.Locale.ROOT).contains("chunked");
            else if (name.equalsIgnoreCase("connection")) close = value.equalsIgnoreCase("close");
        }
        if (chunked) {
            while (true) {
                n = readLine(in, line);
                String size = new String(line, 0, n, StandardCharsets.ISO_8859_1);
                int semi = size.indexOf(';');
                long len = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
                if (len == 0) {
                    while (readLine(in, line) > 0) { /* trailers */ }
                    break;
                }
                skip(in, len);
                readLine(in, line);
            }
        } else if (length >= 0) {
            skip(in, length);
        } else {
            throw new IOException("response without length (connection would have to close)");
        }
        return !close;
    }

    private static void skip(InputStream in, long n) throws IOException {
        while (n > 0) {
            long k = in.skip(n);
            if (k <= 0) {
                if (in.read() < 0) throw new IOException("connection closed inside a body");
                k = 1;
            }
            n -= k;
        }
    }

    /** Reads a CRLF-terminated line into buf without the CRLF; returns its length. */
    private static int readLine(InputStream in, byte[] buf) throws IOException {
        int n = 0;
        while (true) {
            int b = in.read();
            if (b < 0) throw new IOException("connection closed");
            if (b == '\n') {
                if (n > 0 && buf[n - 1] == '\r') n--;
                return n;
            }
            if (n == buf.length) throw new IOException("line too long");
            buf[n++] = (byte) b;
        }
    }
}
