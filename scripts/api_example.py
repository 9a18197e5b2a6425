"""File an MSA request end to end through the contractor API (against the local demo by default).

    python scripts/api_example.py --token msa_... [--base http://127.0.0.1:8000]

Create the token on http://127.0.0.1:8000/company/api-tokens/ as contractor@example.com.
"""

import argparse
import sys
import uuid

import requests


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--token", required=True)
    parser.add_argument("--authorization-form", help="the customer's signed form (PDF)")
    args = parser.parse_args()
    api = f"{args.base.rstrip('/')}/api/v1"
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {args.token}"

    def post(path: str, **kwargs) -> dict:
        # One Idempotency-Key per call: a retry after a timeout never files twice.
        headers = {"Idempotency-Key": str(uuid.uuid4())}
        response = session.post(f"{api}{path}", headers=headers, timeout=30, **kwargs)
        if response.status_code >= 400:
            sys.exit(f"{path}: {response.status_code} {response.text}")
        return response.json()

    device = session.get(f"{api}/eligibility/products", timeout=30).json()[0]
    draft = post(
        "/requests",
        json={
            "request_type": "install",
            "customer_name": "Dana Customer (sample)",
            "customer_email": "customer@example.com",
            "service_account_number": "8000000001",
            "meter_number": "M1000001",
            "premises_street": "8631 Rush St",
            "premises_city": "Rosemead",
            "premises_zip": "91770",
            "life_support": False,
            "residential": True,
            "meter_self_contained": True,
            "service_phase": 1,
            "service_wires": 3,
            "service_voltage": "120/240",
            "panel_rating_amps": 200,
            "backfeed_amps": 40,
            "device": device["id"],
            "meter_socket_form": "2S",
            "socket_ring_type": "ring",
            "comm_cable_in_liquidtight": False,
            "energized_conductors": [],
            "esr_violation": "none",
            "waterproof_bag_commitment": True,
        },
    )
    print(f"draft {draft['reference']} ({draft['status']})")

    if args.authorization_form:
        with open(args.authorization_form, "rb") as form:
            post(
                f"/requests/{draft['id']}/documents",
                data={"kind": "authorization_form"},
                files={"file": ("authorization.pdf", form, "application/pdf")},
            )
    else:
        link = post(f"/requests/{draft['id']}/signing-link")
        print(f"signing link emailed to {link['sent_to']}; submit once the customer has signed")
        return 0

    agreement = session.get(f"{api}/requests/{draft['id']}/agreement", timeout=30).json()
    submitted = post(
        f"/requests/{draft['id']}/submit",
        json={
            "signer_name": "Carlos Contractor (sample)",
            "consent": True,
            "agreement_sha256": agreement["sha256"],
            # The signer's consent to electronic records (E-SIGN): the disclosure, read and
            # agreed to, by its hash (docs/signing.md).
            "esign_disclosure_sha256": agreement["esign_disclosure_sha256"],
        },
    )
    print(f"signed agreement v{agreement['version']}: {submitted['status']}")
    checkout = post(f"/requests/{draft['id']}/checkout")
    print(f"pay the $279.22 site-visit fee at {checkout['url']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
