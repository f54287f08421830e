"""The scheduler process: delivery tick and outbox sender (`python -m scheduler`)."""
