"""The lab's web client (NiceGUI): classify, compare and monitor, over the service's HTTP API only."""
