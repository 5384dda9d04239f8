"""The local lab's own processes (`make up`): the console that says where everything is, and hot reload."""
