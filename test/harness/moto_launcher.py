"""Start moto's server on loopback for the tests, and stop it by itself.

Usage: moto_launcher.py PORT PARENT_PID MAX_SECONDS
Stops when the parent process goes away or after MAX_SECONDS, whichever comes first, so no test
run can leave a server behind.
"""
import os
import sys
import time

try:
    from moto.server import ThreadedMotoServer
except ImportError:
    sys.stderr.write(
        "%s cannot import moto.server: the harness (moto-python.ts) installs moto[server]==5.2.1\n"
        % sys.executable
    )
    sys.exit(3)

port, parent, max_seconds = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
server.start()
print("moto ready", flush=True)
started = time.time()
try:
    while time.time() - started < max_seconds:
        time.sleep(0.5)
        if os.getppid() != parent:
            break
        try:
            os.kill(parent, 0)
        except OSError:
            break
finally:
    server.stop()
