#!/usr/bin/env python3
"""scripts/bench-scale's daemon start-up time: from start to READY=1 on NOTIFY_SOCKET.

  daemon_startup.py MCND ROOT N
"""
import os, socket, subprocess, sys, time, tempfile
mcnd, root, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
path = os.path.join(tempfile.mkdtemp(), "notify")
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(path); s.settimeout(120)
start = time.monotonic()
p = subprocess.Popen([mcnd, "--root", root], env=dict(os.environ, NOTIFY_SOCKET=path), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
while b"READY=1" not in s.recv(4096): pass
ready = time.monotonic() - start
p.terminate(); p.wait()
print(f"{'daemon start-up':<16} {n:>9} {ready:9.2f} s")
