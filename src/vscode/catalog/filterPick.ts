import * as vscode from 'vscode';
import { FAMILIES, FAMILY_LABELS, type CatalogFilter, type SizeClass } from '../../core/catalog';

type Facet =
  | { readonly key: 'family'; readonly value: CatalogFilter['family'] }
  | { readonly key: 'size'; readonly value: SizeClass }
  | { readonly key: 'casing'; readonly value: 'cased' | 'uncased' }
  | { readonly key: 'language'; readonly value: string };

interface FacetItem extends vscode.QuickPickItem {
  readonly facet: Facet;
}

const SIZES: readonly SizeClass[] = ['small', 'base', 'large', 'xlarge', 'xxlarge'];
const LANGUAGES: readonly [string, string][] = [
  ['en', 'English'],
  ['zh', 'Chinese'],
  ['multilingual', 'Multilingual (104 languages)'],
];

function facetItems(current: CatalogFilter): (FacetItem | vscode.QuickPickItem)[] {
  const section = (label: string): vscode.QuickPickItem => ({
    label,
    kind: vscode.QuickPickItemKind.Separator,
    alwaysShow: true,
  });
  const item = (facet: Facet, label: string, description: string): FacetItem => ({
    facet,
    label,
    description,
    picked: current[facet.key] === facet.value,
    // Typed text is the free-text filter, not a search among the facets: they stay visible.
    alwaysShow: true,
  });
  return [
    section('Family'),
    ...FAMILIES.map((f) => item({ key: 'family', value: f }, FAMILY_LABELS[f], 'family')),
    section('Size'),
    ...SIZES.map((s) => item({ key: 'size', value: s }, s, 'size')),
    section('Casing'),
    item({ key: 'casing', value: 'uncased' }, 'uncased', 'casing'),
    item({ key: 'casing', value: 'cased' }, 'cased', 'casing'),
    section('Language'),
    ...LANGUAGES.map(([code, label]) => item({ key: 'language', value: code }, label, 'language')),
  ];
}

/**
 * Asks for a filter: type free text, tick facets (family, size, casing, language).
 * Resolves to undefined when the user cancels.
 */
export function pickFilter(current: CatalogFilter): Promise<CatalogFilter | undefined> {
  const pick = vscode.window.createQuickPick<FacetItem | vscode.QuickPickItem>();
  pick.title = 'Filter the Model Garden catalog';
  pick.placeholder =
    'Type words (e.g. "large cased": sizes and casing count as facets), tick facets, then press Enter';
  pick.canSelectMany = true;
  pick.matchOnDescription = false;
  pick.items = facetItems(current);
  pick.selectedItems = pick.items.filter((i) => i.picked);
  pick.value = current.text ?? '';
  return new Promise((resolve) => {
    let accepted = false;
    pick.onDidAccept(() => {
      accepted = true;
      const filter: { -readonly [K in keyof CatalogFilter]: CatalogFilter[K] } = {};
      if (pick.value.trim()) filter.text = pick.value.trim();
      for (const selected of pick.selectedItems) {
        if (!('facet' in selected)) continue;
        const { facet } = selected;
        // One value per facet: the last ticked wins.
        (filter as Record<string, unknown>)[facet.key] = facet.value;
      }
      pick.hide();
      resolve(filter);
    });
    pick.onDidHide(() => {
      pick.dispose();
      if (!accepted) resolve(undefined);
    });
    pick.show();
  });
}
