"""Report exports: a report too large to answer inline, written as a CSV file to S3 by an
asynchronous job (POST /v1/report-exports, then GET it until its file is ready)."""
