"""The pure steps of the per-record pipeline: no ORM, no HTTP; plain values in, decisions out.

One sync run (:mod:`syncengine.runner`) reads both sides into the mirror, then for each pending record:

1. **pairing** (:mod:`.pairing`): an existing link, else an email match against the other side's mirror,
   else a new record; with
2. **exclusions** (:mod:`.exclusions`): no email, or the same email as a record that is the one synced;
3. **deletions** (:mod:`.deletions`): a deleted record's fate under the connection's policy, and the
   safety valve that stops a run deleting too much at once;
4. **echo** (:mod:`.echo`): a change that is our own write read back is not planned again;
5. **planning** (:mod:`syncengine.planner`): rules per direction, mappings, the three-way merge
   (:mod:`syncengine.merge`) and rule actions, into the writes to make; with
6. **unsubscribes** (:mod:`.subscriptions`): an unsubscribe carried to the other side, a resubscribe refused.

The runner loads what these steps need from the database, and writes and records what they decide.
"""
