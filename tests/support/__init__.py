"""What tests share: the in-process harness and its events, the fakes (Slack, webhook
receivers, calendar providers), and the per-product helpers the stories use. Only
conftest.py files hold fixtures; test_*.py files hold tests (and stories they run)."""
