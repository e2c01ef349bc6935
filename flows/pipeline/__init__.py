"""The build: planning, preparing resources, building each product through its kind and the
egress gate, publishing, and the Prefect flow that runs it."""
