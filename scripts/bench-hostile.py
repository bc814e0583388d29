#!/usr/bin/env python3
"""What a hostile request costs the server (BENCHMARKS.md, "Hostile requests").

Serves the demo (release build) on loopback and sends it what once stopped it: an XLSX with one
cell at XFD1048576, a zip-bomb XLSX (hundreds of MB of sheet XML in a few MB), a credential
carrying 6,000 copies of its proof. For each: the answer, how long it took, and the server's
peak memory above idle (VmHWM - VmRSS at idle, from /proc). Then /healthz is asked 200 times
while wrk keeps 32 connections verifying a real credential, and its latency reported.

    cargo build --release --locked && scripts/bench-hostile.py

Needs wrk (apt-get install wrk) and curl.
"""

import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PORT = 18191
BASE = f"http://127.0.0.1:{PORT}"
PASSWORD = "microcred-demo"


def request(method, path, body=None, headers=None, timeout=120):
    req = urllib.request.Request(BASE + path, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def memory(pid):
    fields = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            name, _, value = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                fields[name] = int(value.split()[0]) * 1024
    return fields


def workbook(sheet_xml_writer):
    """An XLSX whose one sheet's XML is written by `sheet_xml_writer(file)`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
        z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="results" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet_xml_writer(sheet)
    return buffer.getvalue()


HEAD = b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
TAIL = b"</sheetData></worksheet>"


def sparse_cell(sheet):
    sheet.write(HEAD)
    sheet.write(b'<row r="1"><c r="A1" t="inlineStr"><is><t>learner</t></is></c></row>')
    sheet.write(b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>')
    sheet.write(TAIL)


def bomb(sheet):
    sheet.write(HEAD)
    row = b'<row><c t="inlineStr"><is><t>' + b"A" * 8000 + b"</t></is></c></row>"
    for _ in range(64_000):  # about 512 MB of XML
        sheet.write(row)
    sheet.write(TAIL)


def main():
    binary = os.path.join(ROOT, "target/release/microcred")
    if not os.path.exists(binary):
        sys.exit("build first: cargo build --release --locked")
    for tool in ("wrk",):
        if not shutil.which(tool):
            sys.exit(f"{tool} is needed")
    work = tempfile.mkdtemp()
    log = open(os.path.join(work, "demo.log"), "w")
    server = subprocess.Popen(
        [binary, "demo", "--data", os.path.join(work, "data"), "--listen", f"127.0.0.1:{PORT}"],
        stdout=log, stderr=log,
    )
    try:
        for _ in range(300):
            try:
                if request("GET", "/healthz", timeout=1)[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        token = json.loads(request("POST", "/api/v1/session", json.dumps(
            {"email": "registrar@wut.example", "password": PASSWORD}).encode(),
            {"content-type": "application/json"})[1])["token"]
        zoe = json.loads(request("POST", "/api/v1/session", json.dumps(
            {"email": "zoe@learner.example", "password": PASSWORD}).encode(),
            {"content-type": "application/json"})[1])["token"]
        listed = json.loads(request("GET", "/api/v1/credentials", None, {"authorization": f"Bearer {zoe}"})[1])
        credential_id = next(c["id"] for c in listed["credentials"] if c["state"] == "active")
        credential = request("GET", f"/api/v1/credentials/{credential_id}/credential.json", None,
                             {"authorization": f"Bearer {zoe}"})[1]
        for _ in range(20):  # warm up
            request("POST", "/api/v1/verify", credential, {"content-type": "application/json"})
        time.sleep(1)
        idle = memory(server.pid)["VmRSS"]

        signed = json.loads(credential)
        proofs = signed["proof"] if isinstance(signed["proof"], list) else [signed["proof"]]
        signed["proof"] = proofs[:1] * 6000
        hostile = [
            ("XLSX, one cell at XFD1048576", workbook(sparse_cell),
             "/api/v1/results/import?name=sparse.xlsx", {"authorization": f"Bearer {token}",
             "content-type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}),
            ("XLSX zip bomb (512 MB of sheet XML)", workbook(bomb),
             "/api/v1/results/import?name=bomb.xlsx", {"authorization": f"Bearer {token}",
             "content-type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}),
            ("credential with 6,000 copies of its proof", json.dumps(signed).encode(),
             "/api/v1/verify", {"content-type": "application/json"}),
        ]
        print(f"idle: {idle / 2**20:.1f} MiB resident")
        print("| hostile request | size | answer | time | peak memory above idle |")
        print("|---|---:|---|---:|---:|")
        for name, body, path, headers in hostile:
            started = time.perf_counter()
            status, answer = request("POST", path, body, headers)
            elapsed = time.perf_counter() - started
            try:
                parsed = json.loads(answer)
                said = parsed.get("verdict") or parsed.get("title") or ""
            except ValueError:
                said = answer[:60].decode(errors="replace")
            peak = memory(server.pid)["VmHWM"] - idle
            print(f"| {name} | {len(body) / 2**20:.2f} MiB | {status} {said[:70]} | "
                  f"{elapsed * 1000:.0f} ms | {max(peak, 0) / 2**20:.1f} MiB |")

        # /healthz while wrk keeps the verifier busy.
        script = os.path.join(work, "post.lua")
        with open(os.path.join(work, "credential.json"), "wb") as f:
            f.write(credential)
        with open(script, "w") as f:
            f.write('wrk.method = "POST"\nwrk.headers["content-type"] = "application/json"\n'
                    f'local file = io.open("{work}/credential.json", "r")\n'
                    'wrk.body = file:read("*a")\nfile:close()\n')
        load = subprocess.Popen(["wrk", "-t1", "-c32", "-d20s", "-s", script, f"{BASE}/api/v1/verify"],
                                stdout=subprocess.PIPE, text=True)
        time.sleep(2)
        latencies = []
        for _ in range(200):
            started = time.perf_counter()
            status, _ = request("GET", "/healthz", timeout=10)
            latencies.append((time.perf_counter() - started) * 1000)
            assert status == 200, status
            time.sleep(0.05)
        output = load.communicate()[0]
        rps = next((line.split()[1] for line in output.splitlines() if "Requests/sec" in line), "?")
        latencies.sort()
        print(f"\n/healthz under verification load (wrk, 32 connections, {rps} verifications/s): "
              f"p50 {statistics.median(latencies):.1f} ms, p99 {latencies[int(len(latencies) * 0.99) - 1]:.1f} ms, "
              f"max {latencies[-1]:.1f} ms over {len(latencies)} requests")
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
