// Until the loader's tests land on this branch.
