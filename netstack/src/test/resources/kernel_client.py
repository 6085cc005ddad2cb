"""Guest-side test client, run inside the test network namespace. Prints one JSON line."""
import errno
import hashlib
import json
import random
import socket
import struct
import sys
import threading
import time


def echo_one(host, port, size, seed, result, idx, pause_every=0, pause_secs=0.0):
    """pause_every > 0: the reader stops for pause_secs after each pause_every bytes, so both
    directions' windows close for a while (a guest starved of CPU does the same)."""
    t0 = time.monotonic()
    try:
        s = socket.create_connection((host, port), timeout=120)
        rnd = random.Random(seed)
        sent = hashlib.sha256()
        recv = hashlib.sha256()
        err = []

        def sender():
            try:
                left = size
                while left:
                    n = min(65536, left)
                    chunk = rnd.randbytes(n)
                    sent.update(chunk)
                    s.sendall(chunk)
                    left -= n
                s.shutdown(socket.SHUT_WR)
            except Exception as e:  # reported below
                err.append(repr(e))

        t = threading.Thread(target=sender)
        t.start()
        got = 0
        next_pause = pause_every
        while True:
            d = s.recv(262144)
            if not d:
                break
            recv.update(d)
            got += len(d)
            if pause_every and got >= next_pause:
                next_pause += pause_every
                time.sleep(pause_secs)
        t.join()
        s.close()
        result[idx] = {"sent": sent.hexdigest(), "received": recv.hexdigest(), "bytes": got,
                       "seconds": time.monotonic() - t0, "error": err[0] if err else None}
    except Exception as e:
        result[idx] = {"error": repr(e), "seconds": time.monotonic() - t0}


def echo(host, port, size, count, seed, pause_every=0, pause_secs=0.0):
    result = [None] * count
    threads = [threading.Thread(target=echo_one, args=(host, port, size, seed + i, result, i, pause_every, pause_secs))
               for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(json.dumps(result))


def connect(host, port):
    t0 = time.monotonic()
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(family, socket.SOCK_STREAM)
    s.settimeout(10)
    try:
        if "%" in host:
            addr = socket.getaddrinfo(host, port, family, socket.SOCK_STREAM)[0][4]
        else:
            addr = (host, port)
        s.connect(addr)
        out = {"connected": True}
    except OSError as e:
        out = {"connected": False, "errno": errno.errorcode.get(e.errno, str(e.errno)), "error": repr(e)}
    out["seconds"] = time.monotonic() - t0
    print(json.dumps(out))


def half_close(host, port, size):
    s = socket.create_connection((host, port), timeout=20)
    s.sendall(b"x" * size)
    s.shutdown(socket.SHUT_WR)
    data = b""
    while True:
        d = s.recv(65536)
        if not d:
            break
        data += d
    s.close()
    print(json.dumps({"reply": data.decode()}))


def reset_by_guest(host, port):
    s = socket.create_connection((host, port), timeout=20)
    s.sendall(b"hello")
    time.sleep(0.3)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()
    print(json.dumps({"done": True}))


def reset_by_stack(host, port):
    s = socket.create_connection((host, port), timeout=20)
    s.sendall(b"please reset")
    try:
        d = s.recv(100)
        out = {"reset": False, "data": d.decode()}
    except OSError as e:
        out = {"reset": True, "errno": errno.errorcode.get(e.errno, str(e.errno))}
    print(json.dumps(out))


def udp(host, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(3)
    s.connect((host, port))
    t0 = time.monotonic()
    s.send(b"ping")
    try:
        s.recv(100)
        out = {"answered": True}
    except OSError as e:
        out = {"answered": False, "errno": errno.errorcode.get(e.errno, str(e.errno)) if e.errno else "timeout"}
    out["seconds"] = time.monotonic() - t0
    print(json.dumps(out))


def stall(host, port, size, seed):
    """Sends until the peer stops reading (no progress for 1 s), reports, then finishes once it reads."""
    s = socket.create_connection((host, port), timeout=120)
    rnd = random.Random(seed)
    data = rnd.randbytes(size)
    s.setblocking(False)
    sent = 0
    last = time.monotonic()
    while sent < size and time.monotonic() - last < 1.0:
        try:
            n = s.send(data[sent:sent + 65536])
            sent += n
            last = time.monotonic()
        except BlockingIOError:
            time.sleep(0.01)
    print(json.dumps({"stalled_at": sent, "sndbuf": s.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF)}), flush=True)
    sys.stdin.readline()  # the test lets the stack read again, then tells us to go on
    s.setblocking(True)
    s.sendall(data[sent:])
    s.shutdown(socket.SHUT_WR)
    s.recv(1)
    s.close()
    print(json.dumps({"sha256": hashlib.sha256(data).hexdigest()}), flush=True)


if __name__ == "__main__":
    mode = sys.argv[1]
    a = sys.argv[2:]
    if mode == "echo":
        echo(a[0], int(a[1]), int(a[2]), int(a[3]), int(a[4]), *([int(a[5]), float(a[6])] if len(a) > 6 else []))
    elif mode == "connect":
        connect(a[0], int(a[1]))
    elif mode == "half-close":
        half_close(a[0], int(a[1]), int(a[2]))
    elif mode == "reset-by-guest":
        reset_by_guest(a[0], int(a[1]))
    elif mode == "reset-by-stack":
        reset_by_stack(a[0], int(a[1]))
    elif mode == "stall":
        stall(a[0], int(a[1]), int(a[2]), int(a[3]))
    elif mode == "udp":
        udp(a[0], int(a[1]))
    else:
        sys.exit("unknown mode " + mode)
