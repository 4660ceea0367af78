# SPDX-License-Identifier: MIT
"""A DNS server that reads every query and never answers: a stalled resolver."""
import socket
import sys

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 53))
print("ready", flush=True)
while True:
    data, peer = s.recvfrom(4096)
    print("query", len(data), "bytes from", peer, flush=True)
