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
