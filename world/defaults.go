package world

import "github.com/eniconform/eniconform/oracle"

// DefaultUID is the uid a manifest's one main account gets when it names
// none.
const DefaultUID = "1000000000000001"

// fillDefaults fills in what a manifest with one main account may leave
// out: an account's type (main), the main account's uid, a RAM user's main
// account, and the owner of VPCs, security groups and resource groups. With several main
// accounts only a type and a RAM user's own uid (which nothing refers to)
// are filled in: which account owns what must be said.
func fillDefaults(w *oracle.World) {
	for i := range w.Accounts {
		a := &w.Accounts[i]
		if a.Type == "" {
			a.Type = "main"
		}
		if a.Type == "ram" && a.UID == "" {
			a.UID = "ram:" + a.AccessKeyID
		}
	}
	uid, ok := soleMain(w)
	if !ok {
		return
	}
	for i := range w.Accounts {
		a := &w.Accounts[i]
		switch {
		case a.Type == "main" && a.UID == "":
			a.UID = uid
		case a.Type == "ram" && a.Main == "":
			a.Main = uid
		}
	}
	for i := range w.VPCs {
		if w.VPCs[i].Owner == "" {
			w.VPCs[i].Owner = uid
		}
	}
	for i := range w.SecurityGroups {
		if w.SecurityGroups[i].Owner == "" {
			w.SecurityGroups[i].Owner = uid
		}
	}
	for i := range w.ResourceGroups {
		if w.ResourceGroups[i].Owner == "" {
			w.ResourceGroups[i].Owner = uid
		}
	}
}

// soleMain returns the uid of the manifest's one main account: the one uid
// its main keys name (keys that name none are more keys of it), or
// DefaultUID when none names one; false when they name several, or there is
// no main key.
func soleMain(w *oracle.World) (string, bool) {
	uids, keys := map[string]bool{}, 0
	for _, a := range w.Accounts {
		if a.Type == "main" {
			keys++
			if a.UID != "" {
				uids[a.UID] = true
			}
		}
	}
	switch {
	case keys == 0 || len(uids) > 1:
		return "", false
	case len(uids) == 0:
		return DefaultUID, true
	}
	for uid := range uids {
		return uid, true
	}
	return "", false
}
