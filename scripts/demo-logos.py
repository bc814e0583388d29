#!/usr/bin/env python3
"""Draws the demo alliance's logos (crates/app/src/platform/demo-logos/*.png): plain emblems in
each university's colour, made here so that the demo carries no third party's marks."""
import math
import pathlib
import struct
import zlib

OUT = pathlib.Path(__file__).resolve().parent.parent / "crates/app/src/platform/demo-logos"
COLOURS = {"wut": (0x8B, 0x1A, 0x1A), "tub": (0xC5, 0x0E, 0x1F), "rwth": (0x00, 0x54, 0x9F),
           "alliance": (0x1D, 0x3F, 0x73)}


def png(width, height, pixel):
    raw = b"".join(b"\x00" + b"".join(bytes(pixel(x, y)) for x in range(width)) for y in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def emblem(colour):
    def pixel(x, y):
        d = math.hypot(x - 63.5, y - 63.5)
        if d > 62:
            return (0, 0, 0, 0)
        if 40 < d < 48 or d < 22:
            return (255, 255, 255, 255)
        return (*colour, 255)
    return pixel


for name, colour in COLOURS.items():
    (OUT / f"{name}.png").write_bytes(png(128, 128, emblem(colour)))


# Signatures of the demo signatories: a looping pen stroke in blue-black ink, each its own.
SIGNATURES = {"wut": (5, 0.9, 1.0), "tub": (4, 1.15, 2.1), "rwth": (6, 0.8, 0.4)}


def signature(loops, slant, phase, width=360, height=120):
    points = []
    steps = 900
    for i in range(steps + 1):
        t = i / steps * (loops * 2 * math.pi + math.pi)
        # A prolate trochoid loops like joined cursive; a slow wave keeps it from looking ruled.
        x = 18 + t * (width - 60) / (loops * 2 * math.pi + math.pi) - 16 * math.sin(t)
        y = height * 0.55 - 26 * math.cos(t) * (0.7 + 0.3 * math.sin(t / 3 + phase)) - 8 * math.sin(t / 5)
        points.append((x + slant * (height * 0.55 - y) * 0.35, y))
    # A final underline flourish.
    for i in range(121):
        s = i / 120
        points.append((width * (0.2 + 0.7 * s), height * 0.86 - 10 * math.sin(math.pi * s)))

    cells = {}
    for x, y in points:
        cells.setdefault((int(x) // 8, int(y) // 8), []).append((x, y))

    def pixel(px, py):
        best = 99.0
        cx, cy = px // 8, py // 8
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for x, y in cells.get((cx + dx, cy + dy), ()):
                    best = min(best, math.hypot(px - x, py - y))
        alpha = max(0.0, min(1.0, 2.2 - best))
        return (0x1A, 0x23, 0x5C, int(alpha * 255))
    return pixel


for name, (loops, slant, phase) in SIGNATURES.items():
    (OUT / f"signature-{name}.png").write_bytes(png(360, 120, signature(loops, slant, phase)))
