"""The connection wizard: the product's setup flow, step by step, in the admin.

NetSuite account (pick a verified one or authorize a new one) → subsidiary →
contact type → the other app's account (pick one, or connect one through
its sign-in or its typed credentials; for an app whose connection names one of
the account's containers, pick it from the app's live list) → review of the default mappings and rules → dry-run preview
→ start. The wizard lives here, at the top layer, because its review and
preview steps read mappings, rules and the engine (``connections`` may not
import them). Its URLs are added to the connection admin
(:mod:`ops.connection_admin`).
"""
