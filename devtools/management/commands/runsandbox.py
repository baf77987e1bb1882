"""Serve the local API sandboxes (NetSuite on 8801, Google on 8802, HubSpot on 8803, Mailchimp on 8804 by default)."""

from __future__ import annotations

import json
import signal
import threading

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Serve the NetSuite, Google Contacts, HubSpot and Mailchimp sandboxes (local simulators of the real APIs). "
        "--print-config prints their base URLs and demo credentials as JSON and exits."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--netsuite-port", type=int, default=8801)
        parser.add_argument("--google-port", type=int, default=8802)
        parser.add_argument("--hubspot-port", type=int, default=8803)
        parser.add_argument("--mailchimp-port", type=int, default=8804)
        parser.add_argument("--latency-ms", type=float, default=0.0, help="Added to every API request.")
        parser.add_argument("--print-config", action="store_true", help="Print the sandboxes' settings as JSON.")

    def handle(
        self, *args, host, netsuite_port, google_port, hubspot_port, mailchimp_port, latency_ms, print_config, **options
    ):
        from sandbox.common.server import SandboxServer
        from sandbox.google import GoogleSandbox
        from sandbox.google import default_config as google_default
        from sandbox.hubspot import HubSpotSandbox
        from sandbox.hubspot import default_config as hubspot_default
        from sandbox.mailchimp import MailchimpSandbox
        from sandbox.mailchimp import default_config as mailchimp_default
        from sandbox.netsuite import NetSuiteSandbox
        from sandbox.netsuite import default_config as netsuite_default

        netsuite_cfg, google_cfg, hubspot_cfg = netsuite_default(), google_default(), hubspot_default()
        mailchimp_cfg = mailchimp_default()
        for cfg in (netsuite_cfg, google_cfg, hubspot_cfg, mailchimp_cfg):
            cfg.faults.latency_ms = latency_ms
        netsuite, google, hubspot, mailchimp = (
            NetSuiteSandbox(netsuite_cfg),
            GoogleSandbox(google_cfg),
            HubSpotSandbox(hubspot_cfg),
            MailchimpSandbox(mailchimp_cfg),
        )
        if print_config:
            config = {
                "netsuite": netsuite.print_config(f"http://{host}:{netsuite_port}"),
                "google": google.print_config(f"http://{host}:{google_port}"),
                "hubspot": hubspot.print_config(f"http://{host}:{hubspot_port}"),
                "mailchimp": mailchimp.print_config(f"http://{host}:{mailchimp_port}"),
            }
            self.stdout.write(json.dumps(config, indent=2))
            return

        servers = []
        for name, app, port in (
            ("NetSuite", netsuite, netsuite_port),
            ("Google", google, google_port),
            ("HubSpot", hubspot, hubspot_port),
            ("Mailchimp", mailchimp, mailchimp_port),
        ):
            try:
                servers.append(SandboxServer(app, host, port).start())
            except OSError as exc:
                for server in servers:
                    server.stop()
                raise CommandError(
                    f"The {name} sandbox cannot listen on {host}:{port} ({exc.strerror or exc}); "
                    f"is another runsandbox running? Choose another port with --{name.lower()}-port."
                ) from None
        self.stdout.write(f"NetSuite sandbox on {servers[0].base_url} (account {netsuite_cfg.account_id})")
        self.stdout.write(f"Google sandbox on {servers[1].base_url} (user {google_cfg.user_email})")
        self.stdout.write(f"HubSpot sandbox on {servers[2].base_url} (portal {hubspot_cfg.portal_id})")
        self.stdout.write(f"Mailchimp sandbox on {servers[3].base_url}/3.0 (data center {mailchimp_cfg.dc})")
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            stop.wait()
        except KeyboardInterrupt:
            pass
        finally:
            for server in servers:
                server.stop()
