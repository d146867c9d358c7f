package web

import (
	"net/http"
	"strings"

	"meshwise/model"
	"meshwise/web/views"
)

// The propose form's pilot, evidence and rollback commands are generated
// for the option, cluster and resource group on the form. commands_for (a
// hidden field) says which ones the text in the boxes was generated for, so
// signing can tell a stale text from one the person wrote.

func commandsKey(option, cluster, rg string) string {
	return option + "|" + strings.TrimSpace(cluster) + "|" + strings.TrimSpace(rg)
}

// fillCommands writes the form's option's commands, with its cluster and
// resource group, into the form.
func fillCommands(f *views.ProposeForm, a model.Assessment) {
	a.Cluster, a.ResourceGroup = strings.TrimSpace(f.Cluster), strings.TrimSpace(f.ResourceGroup)
	steps := model.PlanNextSteps(a, f.Option)
	f.Evidence, f.Rollback = "", ""
	for _, sn := range steps.Evidence {
		f.Evidence += sn.Title + " | " + strings.ReplaceAll(sn.Code, "\n", " && ") + "\n"
	}
	for _, sn := range steps.Rollback {
		f.Rollback += sn.Code + "\n"
	}
	f.Pilot = steps.Pilot
	f.CommandsFor = commandsKey(f.Option, f.Cluster, f.ResourceGroup)
}

// proposeNameErrors checks the form's cluster and resource group against
// the AKS naming rules: they go into the commands.
func proposeNameErrors(f views.ProposeForm) []model.FieldError {
	var errs []model.FieldError
	if c := strings.TrimSpace(f.Cluster); c != "" {
		if err := model.ValidClusterName(c); err != nil {
			errs = append(errs, model.FieldError{Field: "cluster", Message: err.Error()})
		}
	}
	if rg := strings.TrimSpace(f.ResourceGroup); rg != "" {
		if err := model.ValidResourceGroup(rg); err != nil {
			errs = append(errs, model.FieldError{Field: "resource_group", Message: err.Error()})
		}
	}
	return errs
}

// refreshCommands runs before signing. When the option, cluster or resource
// group changed since the commands were generated, commands the person left
// as generated are regenerated for what is now chosen; commands they edited
// are not guessed at: the form asks for a preview.
func refreshCommands(f *views.ProposeForm, a model.Assessment) []model.FieldError {
	if f.CommandsFor == "" || f.CommandsFor == commandsKey(f.Option, f.Cluster, f.ResourceGroup) {
		return nil
	}
	parts := strings.SplitN(f.CommandsFor, "|", 3)
	if len(parts) != 3 {
		return nil
	}
	old := views.ProposeForm{Option: parts[0], Cluster: parts[1], ResourceGroup: parts[2]}
	fillCommands(&old, a)
	if sameLines(old.Evidence, f.Evidence) && sameLines(old.Rollback, f.Rollback) {
		fillCommands(f, a)
		return nil
	}
	return []model.FieldError{{Field: "evidence", Message: "and the rollback path were written for another option, cluster or resource group and then edited: press \"Preview commands\" to regenerate them for this one, then check your edits"}}
}

func sameLines(a, b string) bool {
	return strings.Join(lines(a), "\n") == strings.Join(lines(b), "\n")
}

// previewCommands re-renders the propose form with the commands for the
// chosen option, without signing anything.
func (s *Server) previewCommands(w http.ResponseWriter, r *http.Request, f views.ProposeForm, a model.Assessment) {
	errs := proposeNameErrors(f)
	status := http.StatusOK
	if len(errs) > 0 {
		status = http.StatusUnprocessableEntity
	} else {
		fillCommands(&f, a)
	}
	f.Previewed = true
	s.renderPropose(w, r, status, f, errs)
}
