"""A co-edited document in the demo network's working group (made from Markdown)."""

from __future__ import annotations

from core.workspaces.models import Workspace

AGENDA = """# Ordre du jour — réunion des EPN de mars

## Points

1. Bilan des ateliers tablette de février
2. Achat groupé de tablettes : **devis reçus**
3. Programme des ateliers *Premiers pas* au printemps

## À faire

- [ ] Relancer la mairie pour la salle du jeudi
- [x] Envoyer le questionnaire aux usagers

| Atelier | Animateur | Places |
| --- | --- | --- |
| Tablette | Léa | 8 |
| Démarches en ligne | Omar | 6 |
"""


def load_documents_demo(people: dict, network: Workspace | None) -> int:
    """Idempotent: a document already there (same space, same title) is left alone."""
    from extranet.documents.convert import markdown_html
    from extranet.documents.models import Document
    from extranet.documents.services import document_create
    from extranet.documents.ydoc import html_tree, state_from_tree

    author = people.get("montbeliard")
    workspace = Workspace.objects.filter(kind="group", name="EPN du Pays de Montbéliard").first()
    if author is None or workspace is None:
        return 0
    title = "Ordre du jour — réunion de mars"
    if Document.objects.filter(workspace=workspace, title=title).exists():
        return 0
    state = state_from_tree(html_tree(markdown_html(AGENDA)))
    document_create(actor=author, workspace=workspace, title=title, state=state)
    return 1
