"""Draws the TokenDesk icon (a rounded tile with a key-shaped 'T') as a 1024 px PNG.

Run once; `tauri icon icons/source.png` derives every size from it. Pure Python, no PIL.
"""
import struct
import zlib

N = 1024


def inside_round_rect(x, y, x0, y0, x1, y1, r):
    cx = min(max(x, x0 + r), x1 - r)
    cy = min(max(y, y0 + r), y1 - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r


def pixel(x, y):
    if not inside_round_rect(x, y, 64, 64, 960, 960, 200):
        return (0, 0, 0, 0)
    t = (x + y) / (2 * N)
    bg = (int(31 + 20 * t), int(94 + 30 * t), int(196 - 20 * t), 255)
    # The key: a ring at the top (the bow) and a shaft with two teeth.
    dx, dy = x - 512, y - 350
    d2 = dx * dx + dy * dy
    if 150 ** 2 >= d2 >= 80 ** 2:
        return (255, 255, 255, 255)
    if 470 <= x <= 554 and 480 <= y <= 860:
        return (255, 255, 255, 255)
    if 554 <= x <= 660 and (640 <= y <= 700 or 760 <= y <= 820):
        return (255, 255, 255, 255)
    return bg


def png(width, height, rows):
    def chunk(tag, data):
        c = struct.pack(">I", len(data)) + tag + data
        return c + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + bytes(v for px in row for v in px) for row in rows)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


rows = [[pixel(x, y) for x in range(N)] for y in range(N)]
with open("source.png", "wb") as f:
    f.write(png(N, N, rows))
