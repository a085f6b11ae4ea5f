"""A real daemon for the tests: started with the built CLI (`node bin/run.js`, so `npm run build` first) in a temp data
directory with the test KDF, initialised, with the devnet (anvil and the litesvm Solana RPC on loopback) started."""
import json
import os
import shutil
import subprocess
import tempfile
from typing import Any, Dict

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PASSWORD = "correct horse battery staple"


class Daemon:
    def __init__(self) -> None:
        self.dir = tempfile.mkdtemp(prefix="waiaas-py-")
        self.data_dir = os.path.join(self.dir, "data")
        self.password_file = os.path.join(self.dir, "pw")
        fd = os.open(self.password_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(PASSWORD + "\n")
        env = {k: v for k, v in os.environ.items() if not k.startswith("WAIAAS_") and k != "NODE_ENV"}
        env.update({
            "WAIAAS_DATA_DIR": self.data_dir,
            "WAIAAS_CONFIG_DIR": os.path.join(self.dir, "prefs"),
            "WAIAAS_MASTER_PASSWORD_FILE": self.password_file,
            "WAIAAS_TEST_HOOKS": "1",
            "WAIAAS_TEST_KDF": "fast",
            # Incoming transfers found within a fifth of a second (the event stream's tests wait for one).
            "WAIAAS_MONITOR_INTERVAL_MS": "200",
            "NO_COLOR": "1",
        })
        self.env = env
        self.started = False

    def cli(self, *args: str) -> Dict[str, Any]:
        """Runs `waiaas ARGS --json` and returns its data; raises with the envelope when it fails."""
        p = subprocess.run(["node", os.path.join(ROOT, "bin", "run.js"), *args, "--json"], cwd=ROOT, env=self.env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        out = p.stdout.decode("utf-8").strip()
        envelope = json.loads(out.splitlines()[-1]) if out else {}
        if p.returncode != 0 or envelope.get("ok") is not True:
            raise RuntimeError("waiaas {} failed ({}): {} {}".format(" ".join(args), p.returncode, out, p.stderr.decode()[-2000:]))
        return envelope["data"]

    def start(self) -> None:
        self.cli("daemon", "start")
        self.started = True
        self.cli("init")
        self.devnet = self.cli("devnet", "start")

    def stop(self) -> None:
        try:
            if self.started:
                try:
                    self.cli("devnet", "stop")
                finally:
                    self.cli("daemon", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)
