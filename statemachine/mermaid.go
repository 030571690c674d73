package statemachine

import (
	"fmt"
	"strings"
)

// noder is implemented by state types whose workflow node is named apart
// from the status, such as 采购计划申报 at node 政府采购计划申报.
type noder interface{ Node() string }

// Mermaid returns the machine as a Mermaid stateDiagram-v2, the same text
// for the same table: states in States order with their Chinese labels,
// the initial states marked, then one arrow per row in table order labelled
// with the event, the guard's label in brackets and "(新版本)" on rows that
// bump the revision.
func (m *Machine[S, E]) Mermaid() string {
	ids := m.mermaidIDs()

	var b strings.Builder
	b.WriteString("stateDiagram-v2\n")
	for _, s := range m.states {
		fmt.Fprintf(&b, "    state %q as %s\n", stateTitle(s), ids[s])
	}
	for _, s := range m.initial {
		fmt.Fprintf(&b, "    [*] --> %s\n", ids[s])
	}
	for _, t := range m.table {
		label := eventTitle(t.Event)
		if g := t.Guard.title(); g != "" {
			label += " [" + g + "]"
		}
		if t.NextRevision {
			label += " (新版本)"
		}
		fmt.Fprintf(&b, "    %s --> %s: %s\n", ids[t.From], ids[t.To], mermaidText(label))
	}
	return b.String()
}

// mermaidIDs gives every state an identifier Mermaid accepts, taken from its
// English name, unique within the diagram.
func (m *Machine[S, E]) mermaidIDs() map[S]string {
	ids := make(map[S]string, len(m.states))
	used := make(map[string]bool)
	for i, s := range m.states {
		id := mermaidID(fmt.Sprint(s))
		if id == "" || used[id] {
			id = fmt.Sprintf("%s_%d", id, i)
		}
		used[id] = true
		ids[s] = id
	}
	return ids
}

func mermaidID(name string) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_':
			b.WriteRune(r)
		default:
			b.WriteRune('_')
		}
	}
	if b.Len() > 0 && name[0] >= '0' && name[0] <= '9' {
		return "s_" + b.String()
	}
	return b.String()
}

// stateTitle is the text of a state box: its label, and its workflow node
// when that differs.
func stateTitle(s any) string {
	title := eventTitle(s)
	if n, ok := s.(noder); ok && n.Node() != "" && n.Node() != title {
		title += " (节点 " + n.Node() + ")"
	}
	return mermaidText(title)
}

// eventTitle is the label of v, or its name when it has none.
func eventTitle(v any) string {
	if l := labelOf(v); l != "" {
		return l
	}
	return fmt.Sprint(v)
}

func (g Guard) title() string {
	if g.Label != "" {
		return g.Label
	}
	return g.Name
}

// mermaidText keeps a label on one line and free of the characters that end
// a Mermaid label or a quoted state title.
func mermaidText(s string) string {
	return strings.NewReplacer("\n", " ", "\r", " ", `"`, "'", ":", "：", ";", "；").Replace(s)
}
