"""Pays with an agent session through the Python SDK: a policy-checked transfer, waited for until it is final.

    pip install ./python
    WAIAAS_SESSION_TOKEN_FILE=./agent.token python3 examples/pay.py hot evm-local 0x8ba1f109551bD432803012645Ac136ddd64DBA72 0.001
"""
import sys

from waiaas import Waiaas, WaiaasError

wallet, network, to, amount = sys.argv[1:5]
with Waiaas() as agent:  # the daemon's socket, as the CLI finds it; the session token from the environment
    try:
        req = agent.tx.send(wallet=wallet, network=network, to=to, amount=amount)
        print("tier", req["tier"], "state", req["state"])  # APPROVAL: the operator runs `waiaas tx approve <id>`
        done = agent.tx.wait(id=req["id"], timeoutMs=120000)
        print(done["state"], done["txHash"])
        sys.exit(0 if done["state"] == "confirmed" else 1)
    except WaiaasError as e:  # POLICY_DENIED names the rule in e.details; e.hint says what to do
        print(e.code, e.details, e.hint, file=sys.stderr)
        sys.exit(2)
