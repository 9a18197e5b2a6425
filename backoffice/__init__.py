"""The staff back office: the request admin, decisions, exports, the dashboard and reports."""
