"""shimscope's python3 workload: files, threads, loopback sockets (blocking, selectors and
asyncio), subprocesses and a process pool, each with a result that is printed and checked.

Every line of output is deterministic; the spec compares the whole output. Anything that goes
wrong raises, so the interpreter exits with a traceback and status 1."""

import asyncio
import concurrent.futures
import hashlib
import json
import multiprocessing
import os
import queue
import selectors
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import zlib

TIMEOUT = 5  # seconds: no socket or child may wait longer
socket.setdefaulttimeout(TIMEOUT)
WORK = tempfile.mkdtemp(prefix="py-", dir=os.environ.get("SCRATCH") or None)


def digest(data):
    return hashlib.sha256(data).hexdigest()[:16]


def files():
    root = os.path.join(WORK, "files")
    os.makedirs(os.path.join(root, "a", "b"))
    total = hashlib.sha256()
    for i in range(40):
        data = (f"line {i}\n" * (i * 50)).encode()
        path = os.path.join(root, "a" if i % 2 else "a/b", f"f{i:02d}.txt")
        with open(path, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        total.update(data)
    shutil.copytree(os.path.join(root, "a"), os.path.join(root, "copy"))
    os.rename(os.path.join(root, "copy", "f01.txt"), os.path.join(root, "copy", "renamed.txt"))
    names = sorted(os.path.relpath(os.path.join(d, n), root) for d, _, ns in os.walk(root) for n in ns)
    size = sum(os.stat(os.path.join(root, n)).st_size for n in names)
    with open(os.path.join(root, "index.json"), "w") as f:
        json.dump({"names": names, "size": size}, f)
    with open(os.path.join(root, "index.json")) as f:
        index = json.load(f)
    packed = zlib.compress(open(os.path.join(root, "copy", "renamed.txt"), "rb").read(), 9)
    shutil.rmtree(os.path.join(root, "copy"))
    assert index["size"] == size
    print(f"files: {len(names)} files, {size} bytes, sha256 {total.hexdigest()[:16]}, "
          f"zlib {len(packed)} bytes, {len(os.listdir(root))} entries left")


def threads():
    work = queue.Queue()
    results = {}
    lock = threading.Lock()

    def worker():
        while (item := work.get()) is not None:
            value = digest(str(item).encode() * 1000)
            with lock:
                results[item] = value
    pool = [threading.Thread(target=worker) for _ in range(4)]
    for t in pool:
        t.start()
    for i in range(200):
        work.put(i)
    for _ in pool:
        work.put(None)
    for t in pool:
        t.join(TIMEOUT)
        assert not t.is_alive(), "a worker thread hangs"
    with concurrent.futures.ThreadPoolExecutor(max_workers=3) as ex:
        squares = sum(ex.map(lambda x: x * x, range(1000)))
    combined = digest("".join(results[i] for i in range(200)).encode())
    print(f"threads: {len(results)} items by 4 threads, digest {combined}, pool sum {squares}")


def echo_server(server):
    """Serves connections one per thread until the listening socket is closed."""
    def serve(conn):
        with conn:
            while data := conn.recv(65536):
                conn.sendall(data.upper())
    while True:
        try:
            conn, _ = server.accept()
        except OSError:
            return
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


def sockets():
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    threading.Thread(target=echo_server, args=(server,), daemon=True).start()
    received = {}

    def client(n):
        payload = (f"client {n} " * 2000).encode()
        with socket.create_connection(("127.0.0.1", port)) as c:
            c.sendall(payload)
            c.shutdown(socket.SHUT_WR)
            chunks = []
            while data := c.recv(65536):
                chunks.append(data)
        received[n] = b"".join(chunks)
    clients = [threading.Thread(target=client, args=(n,)) for n in range(8)]
    for t in clients:
        t.start()
    for t in clients:
        t.join(TIMEOUT)
    assert all(received[n] == (f"CLIENT {n} " * 2000).encode() for n in range(8)), "echo mismatch"

    # non-blocking sockets through a selector (epoll), and a datagram round trip
    sel = selectors.DefaultSelector()
    a, b = socket.socketpair()
    a.setblocking(False)
    b.setblocking(False)
    sel.register(b, selectors.EVENT_READ)
    a.send(b"ping")
    events = sel.select(TIMEOUT)
    assert events and b.recv(16) == b"ping"
    sel.close()
    a.close()
    b.close()
    u1 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u1.bind(("127.0.0.1", 0))
    u2 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u2.sendto(b"datagram", u1.getsockname())
    data, _ = u1.recvfrom(64)
    u1.close()
    u2.close()
    server.close()
    total = sum(len(v) for v in received.values())
    print(f"sockets: 8 tcp clients echoed {total} bytes, selector ok, udp {data.decode()}")


async def asyncio_echo():
    async def handle(reader, writer):
        while line := await reader.readline():
            writer.write(line[::-1].strip() + b"\n")
            await writer.drain()
        writer.close()
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]

    async def client(n):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        answers = []
        for i in range(20):
            writer.write(f"{n}-{i}\n".encode())
            await writer.drain()
            answers.append((await reader.readline()).decode().strip())
        writer.close()
        await writer.wait_closed()
        return answers
    results = await asyncio.wait_for(asyncio.gather(*(client(n) for n in range(10))), TIMEOUT)
    server.close()
    await server.wait_closed()
    return sum(len(r) for r in results), results[3][7]


def asyncio_part():
    count, sample = asyncio.run(asyncio_echo())
    print(f"asyncio: {count} lines from 10 clients, e.g. {sample}")


def square(x):
    return x * x


def processes():
    # children run this same interpreter: they are traced and filtered as the parent is
    child = subprocess.run([sys.executable, "-I", "-c",
                            "import sys, hashlib; d = sys.stdin.buffer.read();"
                            " print(len(d), hashlib.sha256(d).hexdigest()[:16]); sys.exit(3)"],
                           input=b"x" * 100000, capture_output=True, timeout=TIMEOUT)
    assert child.returncode == 3, child
    pipeline = subprocess.Popen([sys.executable, "-I", "-c", "import os; print(os.getppid() > 0, os.getcwd())"],
                                stdout=subprocess.PIPE, cwd=WORK)
    out, _ = pipeline.communicate(timeout=TIMEOUT)
    assert out.decode().strip() == f"True {WORK}", out
    with multiprocessing.get_context("fork").Pool(2) as pool:
        total = sum(pool.map(square, range(100)))
    print(f"processes: child said {child.stdout.decode().strip()!r} and exited 3, pool sum {total}")


def main():
    files()
    threads()
    sockets()
    asyncio_part()
    processes()
    shutil.rmtree(WORK)
    print("python3 workload: all checks passed")


if __name__ == "__main__":
    main()
