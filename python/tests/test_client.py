"""The Python SDK against a real daemon and the devnet, over the socket and over REST: send and wait, a denial with
its code, an approval-tier request awaited until the operator approves, and a session that cannot see another wallet."""
import os
import subprocess
import sys
import threading
import time
import unittest
from typing import Any, Dict, Optional

from waiaas import ERROR_CODES, Waiaas, WaiaasError

from .daemon import PASSWORD, ROOT, Daemon

DEAD = "0x000000000000000000000000000000000000dEaD"
daemon: Optional[Daemon] = None
env: Dict[str, Any] = {}


def setUpModule() -> None:
    global daemon
    daemon = Daemon()
    try:
        daemon.start()
        op = Waiaas(data_dir=daemon.data_dir, password=PASSWORD)
        env["op"] = op
        env["a"] = op.wallet.create(chain="evm", name="agent-a")
        env["b"] = op.wallet.create(chain="evm", name="other-b")
        op.devnet.fund(wallet="agent-a")
        op.devnet.fund(wallet="other-b")
        # Above 0.01 ETH a send waits for the operator; the dead address is refused.
        op.policy.add(wallet="agent-a", network="evm-local", type="SPENDING_LIMIT", rules={"instant_max": "0.01"})
        op.policy.add(wallet="other-b", network="evm-local", type="SPENDING_LIMIT", rules={"instant_max": "1"})
        op.policy.add(wallet="agent-a", type="RECIPIENT_DENYLIST", rules={"recipients": [DEAD]})
        env["token"] = op.session.create(wallets=["agent-a"], permissions=["read", "send"], name="py-agent")["token"]
        rest = op.plugin.enable(name="rest", port=0)
        env["base_url"] = rest["listening"]
    except BaseException:
        daemon.stop()
        raise


def tearDownModule() -> None:
    if "op" in env:
        env["op"].close()
    if daemon is not None:
        daemon.stop()


class AgentTests:
    """The agent's view through one transport; subclasses choose it."""

    transport = ""

    def agent(self, **kw: Any) -> Waiaas:
        assert daemon is not None
        if self.transport == "rest":
            return Waiaas(base_url=env["base_url"], **kw)
        return Waiaas(data_dir=daemon.data_dir, **kw)

    def setUp(self) -> None:
        self.client = self.agent(token=env["token"])
        self.assertEqual(self.client.transport, self.transport)

    def tearDown(self) -> None:
        self.client.close()

    def test_send_then_wait_until_confirmed(self) -> None:
        sent = self.client.tx.send(wallet="agent-a", network="evm-local", to=env["b"]["address"], amount="0.001")
        self.assertEqual(sent["tier"], "INSTANT")
        self.assertEqual(sent["walletId"], env["a"]["id"])
        done = self.client.tx.wait(id=sent["id"], timeoutMs=20000)
        self.assertEqual(done["id"], sent["id"])
        self.assertEqual(done["state"], "confirmed")
        self.assertTrue(done["final"])
        self.assertRegex(done["txHash"] or "", r"^0x[0-9a-f]{64}$")
        self.assertEqual(done["to"], env["b"]["address"].lower())

    def test_denied_by_policy_with_code_and_details(self) -> None:
        with self.assertRaises(WaiaasError) as cm:
            self.client.tx.send({"wallet": "agent-a", "network": "evm-local", "to": DEAD, "amount": "0.001"})
        e = cm.exception
        self.assertEqual(e.code, "POLICY_DENIED")
        self.assertEqual(e.details["tier"], "DENY")
        self.assertEqual(e.details["rule"]["type"], "RECIPIENT_DENYLIST")
        self.assertEqual(e.details["rule"]["field"], "recipients")
        self.assertIn("policy test", e.hint)

    def test_approval_tier_awaited_until_the_operator_approves(self) -> None:
        sent = self.client.tx.send(wallet="agent-a", network="evm-local", to=env["b"]["address"], amount="0.02")
        self.assertEqual((sent["tier"], sent["state"]), ("APPROVAL", "awaiting_approval"))
        result: Dict[str, Any] = {}
        waiter = self.agent(token=env["token"])

        def wait() -> None:
            result["req"] = waiter.tx.wait(id=sent["id"], timeoutMs=30000)
            result["at"] = time.monotonic()

        t = threading.Thread(target=wait)
        t.start()
        try:
            time.sleep(0.5)
            self.assertTrue(t.is_alive(), "tx.wait returned before the operator approved")
            approved_at = time.monotonic()
            approved = env["op"].tx.approve(id=sent["id"])
            self.assertEqual(approved["id"], sent["id"])
            t.join(30)
        finally:
            waiter.close()
        self.assertFalse(t.is_alive())
        self.assertEqual(result["req"]["state"], "confirmed")
        self.assertEqual(result["req"]["tier"], "APPROVAL")
        self.assertGreaterEqual(result["at"], approved_at)

    def test_session_cannot_see_another_wallet(self) -> None:
        names = [w["name"] for w in self.client.wallet.list()["wallets"]]
        self.assertEqual(names, ["agent-a"])
        with self.assertRaises(WaiaasError) as cm:
            self.client.wallet.show(wallet="other-b")
        self.assertEqual(cm.exception.code, "SESSION_SCOPE")
        self.assertEqual(cm.exception.details["field"], "wallet")
        with self.assertRaises(WaiaasError) as cm:
            self.client.tx.send(wallet="other-b", network="evm-local", to=env["a"]["address"], amount="0.001")
        self.assertEqual(cm.exception.code, "SESSION_SCOPE")

    def test_operator_method_refused_to_a_session(self) -> None:
        with self.assertRaises(WaiaasError) as cm:
            self.client.wallet.create(chain="evm", name="sneaky")
        self.assertEqual(cm.exception.code, "SESSION_SCOPE")
        self.assertEqual(cm.exception.details, {"method": "wallet.create"})
        self.assertIn(cm.exception.code, ERROR_CODES)
        self.assertNotEqual(cm.exception.hint, "")


class SocketTests(AgentTests, unittest.TestCase):
    transport = "socket"

    def test_unreachable_socket(self) -> None:
        assert daemon is not None
        with self.assertRaises(WaiaasError) as cm:
            Waiaas(socket_path=daemon.dir + "/nothing.sock", token="wsk_x")
        self.assertEqual(cm.exception.code, "DAEMON_UNREACHABLE")
        self.assertEqual(cm.exception.details["socket"], daemon.dir + "/nothing.sock")


class RestTests(AgentTests, unittest.TestCase):
    transport = "rest"

    def test_no_credential_is_auth_required(self) -> None:
        with Waiaas(base_url=env["base_url"], token="") as anon:
            with self.assertRaises(WaiaasError) as cm:
                anon.wallet.list()
        self.assertEqual(cm.exception.code, "AUTH_REQUIRED")

    def test_socket_only_method_refused_before_sending(self) -> None:
        with self.assertRaises(WaiaasError) as cm:
            self.client.system.hello(protocol=1, version="x")
        self.assertEqual(cm.exception.code, "INPUT_INVALID")
        self.assertEqual(cm.exception.details["transports"], ["socket"])


class ExampleTests(unittest.TestCase):
    """examples/pay.py, run as a user would (the token in WAIAAS_SESSION_TOKEN), pays and is refused by policy."""

    def run_example(self, to: str) -> "subprocess.CompletedProcess[str]":
        assert daemon is not None
        run_env = dict(daemon.env, WAIAAS_SESSION_TOKEN=env["token"], PYTHONPATH=os.path.join(ROOT, "python"))
        del run_env["WAIAAS_MASTER_PASSWORD_FILE"]
        return subprocess.run([sys.executable, os.path.join(ROOT, "examples", "pay.py"), "agent-a", "evm-local", to, "0.001"],
                              env=run_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, timeout=60)

    def test_example_pays(self) -> None:
        p = self.run_example(env["b"]["address"])
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertRegex(p.stdout, r"^tier INSTANT state \w+\nconfirmed 0x[0-9a-f]{64}\n$")

    def test_example_denied(self) -> None:
        p = self.run_example(DEAD)
        self.assertEqual(p.returncode, 2)
        self.assertTrue(p.stderr.startswith("POLICY_DENIED "), p.stderr)


if __name__ == "__main__":
    unittest.main()
