"""HubSpot (CRM API v3) provider: a private-app token, contacts (and companies) read and written in batches."""
