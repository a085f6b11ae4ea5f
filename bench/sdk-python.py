"""The Python SDK's round trip: `client.sign.message` through the SDK against the same call written as raw socket
frames (same Python process, one greeted connection each), on a daemon started as the Python tests start it (the built
CLI, a temp data dir, the test KDF; so `npm run build` first). Prints one JSON object; the TypeScript SDK's benchmark
reports it next to its own figure.

    python3 bench/sdk-python.py [--calls 2000] [--warmup 200]
"""
import argparse
import json
import os
import socket
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "python"))
from tests.daemon import PASSWORD, Daemon  # noqa: E402
from waiaas import PROTOCOL_VERSION, Waiaas  # noqa: E402


def raw_caller(path, token):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    f = s.makefile("rb")
    ids = iter(range(1, 1 << 62))

    def call(method, params, auth=None):
        req = {"jsonrpc": "2.0", "id": next(ids), "method": method, "params": params}
        if auth:
            req["auth"] = auth
        s.sendall((json.dumps(req) + "\n").encode())
        msg = json.loads(f.readline())
        if "error" in msg:
            raise RuntimeError(msg["error"])
        return msg["result"]

    call("system.hello", {"protocol": PROTOCOL_VERSION, "version": "bench"})
    return lambda params: call("sign.message", params, {"token": token})


def timed(fn, params, calls, warmup):
    for _ in range(warmup):
        fn(params)
    out = []
    for _ in range(calls):
        t = time.perf_counter()
        fn(params)
        out.append((time.perf_counter() - t) * 1e6)
    out.sort()
    return {"p50_us": round(statistics.median(out), 1), "p90_us": round(out[int(len(out) * 0.9)], 1)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=2000)
    ap.add_argument("--warmup", type=int, default=200)
    args = ap.parse_args()
    d = Daemon()
    try:
        d.cli("daemon", "start")
        d.started = True
        d.cli("init")
        op = Waiaas(data_dir=d.data_dir, password=PASSWORD)
        op.wallet.create(chain="evm", name="bench")
        op.policy.add(wallet="bench", type="SIGNING_RULES", rules={"allow_personal_sign": True})
        token = op.session.create(wallets=["bench"], permissions=["sign"])["token"]
        sdk = Waiaas(data_dir=d.data_dir, token=token)
        params = {"wallet": "bench", "message": "hello"}
        raw = raw_caller(sdk._transport.path, token)
        res = {"sdk": [], "raw": []}
        for _ in range(2):  # interleaved rounds
            res["raw"].append(timed(raw, params, args.calls // 2, args.warmup))
            res["sdk"].append(timed(lambda p: sdk.sign.message(p), params, args.calls // 2, args.warmup))
        p50 = {k: round(statistics.mean(r["p50_us"] for r in v), 1) for k, v in res.items()}
        print(json.dumps({"method": "sign.message", "python": sys.version.split()[0], "calls": args.calls,
                          "sdk_p50_us": p50["sdk"], "raw_p50_us": p50["raw"], "ratio": round(p50["sdk"] / p50["raw"], 3)}))
    finally:
        d.devnet = None
        d.stop()


if __name__ == "__main__":
    main()
