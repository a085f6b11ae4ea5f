"""The Python SDK against a real daemon and the devnet, over the socket and over REST: send and wait, a denial with
its code, an approval-tier request awaited until the operator approves, a session that cannot see another wallet, and
`client.events()`: a session's stream shows its own request approved and a transfer arriving, nothing of another wallet,
and ends with SESSION_REVOKED when the operator revokes the session."""
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

    def operator(self) -> Waiaas:
        return Waiaas(base_url=env["base_url"], password=PASSWORD) if self.transport == "rest" else env["op"]

    def test_events_show_own_request_and_incoming_never_another_wallet(self) -> None:
        op = self.operator()
        start = op.audit.list(limit=1)["entries"][0]["seq"]
        sent = self.client.tx.send(wallet="agent-a", network="evm-local", to=env["b"]["address"], amount="0.02")
        self.assertEqual(sent["state"], "awaiting_approval")
        # Another wallet's request, paying agent-a: agent-a's session sees only the transfer arriving.
        pay = op.tx.send(wallet="other-b", network="evm-local", to=env["a"]["address"], amount="0.002")
        op.tx.approve(id=sent["id"])

        def arrived(e: Dict[str, Any]) -> bool:
            return e["action"] == "incoming.transfer" and e["details"].get("amount") == "2000000000000000"

        seen = []
        for e in self.client.events(after=start):
            seen.append(e)
            if any(x["target"] == sent["id"] and x["action"] == "tx.confirmed" for x in seen) and any(arrived(x) for x in seen):
                break
        mine = [e["action"] for e in seen if e["target"] == sent["id"]]
        for action in ("tx.decision", "tx.approve", "tx.submitted", "tx.confirmed"):
            self.assertIn(action, mine)
        self.assertLess(mine.index("tx.approve"), mine.index("tx.confirmed"))
        approve = next(e for e in seen if e["action"] == "tx.approve")
        self.assertEqual((approve["actor"], approve["details"]), ("operator", {}))
        incoming = next(e for e in seen if arrived(e))
        self.assertEqual(incoming["target"], env["a"]["id"])
        self.assertEqual(incoming["details"]["from"], env["b"]["address"])
        for e in seen:
            self.assertEqual(e["wallet"], env["a"]["id"])
            self.assertNotEqual(e["target"], pay["id"])
            self.assertNotIn("hash", e)
        # The operator, from the same start, sees the other wallet's request too, with the chain hashes.
        everything = []
        for e in op.events(after=start):
            everything.append(e)
            if any(x["target"] == pay["id"] and x["action"] == "tx.confirmed" for x in everything) and \
                    any(x["target"] == sent["id"] and x["action"] == "tx.confirmed" for x in everything):
                break
        self.assertIn("tx.decision", [e["action"] for e in everything if e["target"] == pay["id"]])
        self.assertTrue(all(len(e["hash"]) == 64 for e in everything))
        if op is not env["op"]:
            op.close()

    def test_events_end_with_session_revoked(self) -> None:
        op = env["op"]
        made = op.session.create(wallets=["agent-a"], permissions=["read"], name="py-revoked-" + self.transport)
        reader = self.agent(token=made["token"])
        gen = reader.events(after=op.audit.list(limit=1)["entries"][0]["seq"])
        sent = op.tx.send(wallet="agent-a", network="evm-local", to=env["b"]["address"], amount="0.001")
        # Read until the request is confirmed: the stream then waits for the next entry.
        for e in gen:
            self.assertEqual(e["target"], sent["id"])
            if e["action"] == "tx.confirmed":
                break
        result: Dict[str, Any] = {}

        def pull() -> None:
            try:
                result["event"] = next(gen)
            except WaiaasError as err:
                result["err"] = err

        t = threading.Thread(target=pull)
        t.start()
        op.session.revoke(id=made["session"]["id"])
        t.join(30)
        self.assertFalse(t.is_alive())
        self.assertNotIn("event", result)
        self.assertEqual(result["err"].code, "SESSION_REVOKED")
        self.assertEqual(result["err"].details["session"], made["session"]["id"])
        with self.assertRaises(WaiaasError) as cm:
            next(reader.events())
        self.assertEqual(cm.exception.code, "SESSION_REVOKED")
        reader.close()

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
