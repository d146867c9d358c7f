package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"meshwise/internal/credential"
	"meshwise/model"
)

// runUser manages people from the command line:
//
//	meshwise user add --email E --role R [--name N]   prints a first password once
//	meshwise user set-role --email E --role R
//	meshwise user passwd --email E                    prints a new random password once
func runUser(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{"usage: meshwise user add|set-role|passwd --email E [--role R] [--name N]"}
	}
	action := args[0]
	fs := flag.NewFlagSet("user "+action, flag.ContinueOnError)
	fs.SetOutput(stderr)
	rawEmail := fs.String("email", "", "the person's email")
	rawRole := fs.String("role", "", "viewer, architect, approver or admin")
	name := fs.String("name", "", "display name")
	if err := fs.Parse(args[1:]); err != nil {
		return usageError{err.Error()}
	}
	email, err := model.NormalizeEmail(*rawEmail)
	if err != nil {
		return usageError{"user: --email " + model.ErrorFieldMessage(err)}
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return usageError{err.Error()}
	}
	st, err := openMigrated(ctx, cfg, "user")
	if err != nil {
		return err
	}
	defer st.Close()
	audit := func(event, detail string) {
		_ = st.Audit(ctx, model.AuditEvent{Event: event, ActorEmail: "meshwise user (CLI)", Subject: email, Detail: detail, Address: "local"})
	}
	switch action {
	case "add":
		role, err := model.ParseRole(*rawRole)
		if err != nil {
			return usageError{"user add: --role " + model.ErrorFieldMessage(err)}
		}
		password := credential.NewPassword()
		u, err := st.CreateUser(ctx, email, *name, role, credential.HashPassword(password))
		if err != nil {
			return err
		}
		audit("user added", "role "+string(role))
		fmt.Fprintf(stdout, "added %s as %s\nfirst password (shown once): %s\n", u.Email, u.Role, password)
	case "set-role":
		role, err := model.ParseRole(*rawRole)
		if err != nil {
			return usageError{"user set-role: --role " + model.ErrorFieldMessage(err)}
		}
		u, _, err := st.UserByEmail(ctx, email)
		if err != nil {
			return err
		}
		if err := st.SetRole(ctx, u.ID, role); err != nil {
			return err
		}
		audit("role changed", string(u.Role)+" → "+string(role))
		fmt.Fprintf(stdout, "%s is now %s\n", email, role)
	case "passwd":
		u, _, err := st.UserByEmail(ctx, email)
		if err != nil {
			return err
		}
		password := credential.NewPassword()
		if _, err := st.SetPassword(ctx, u.ID, credential.HashPassword(password)); err != nil {
			return err // on success the new epoch has ended the person's sessions
		}
		audit("password reset", "")
		fmt.Fprintf(stdout, "new password for %s (shown once): %s\n", email, password)
	default:
		return usageError{fmt.Sprintf("user: unknown action %q: want add, set-role or passwd", action)}
	}
	return nil
}
