// FAQ editor: sections and articles per locale (agent FAQ API, protocol section 14), and the synonyms devices
// use to meet a user's words with the catalog's (query expansions, protocol section 9.1).
import { del, enc, get, patch, post, put } from './api.js';
import { clear, fmtTime, formValues, h, toast } from './dom.js';

let localeFilter = '';

function input(name, value, attrs = {}) {
  return h('input', { name, value: value ?? '', ...attrs });
}

export function renderFaq(page) {
  const body = h('div', { 'data-testid': 'faq-editor' });
  const editor = h('div', { class: 'panel', 'data-testid': 'faq-form' });
  const locales = h('select', { 'data-testid': 'faq-locale' });
  let data = { sections: [], articles: [] };

  async function load() {
    data = await get('/v1/agent/faq');
    const known = [...new Set([...data.sections, ...data.articles].map((x) => x.locale))].sort();
    clear(locales).append(h('option', { value: '', text: 'all locales' }), known.map((l) => h('option', { value: l, text: l })));
    locales.value = known.includes(localeFilter) ? localeFilter : '';
    render();
  }

  function render() {
    clear(body);
    const sections = data.sections.filter((s) => !localeFilter || s.locale === localeFilter);
    if (!sections.length) body.append(h('p', { class: 'muted', text: 'No sections yet.' }));
    for (const s of sections) {
      const articles = data.articles.filter((a) => a.section_id === s.id);
      body.append(
        h(
          'section',
          { class: 'panel', 'data-testid': 'faq-section' },
          h(
            'div',
            { class: 'row spread' },
            h('h2', {}, s.title, ' ', h('span', { class: 'muted', text: `${s.locale} · #${s.position}` })),
            h(
              'div',
              { class: 'row' },
              h('button', { type: 'button', class: 'secondary', text: 'Edit section', onclick: () => sectionForm(s) }),
              h('button', { type: 'button', class: 'secondary', text: 'New article', onclick: () => articleForm(null, s) }),
              h('button', { type: 'button', class: 'danger', text: 'Delete', onclick: () => removeSection(s) }),
            ),
          ),
          h(
            'ul',
            { class: 'articles' },
            articles.map((a) =>
              h(
                'li',
                { 'data-testid': 'faq-article' },
                h('a', { href: '#/faq', text: a.title, onclick: (e) => (e.preventDefault(), articleForm(a, s)) }),
                ' ',
                h('span', { class: 'muted', text: `${a.locale}${a.published ? '' : ' · draft'} · 👍 ${a.helpful_count} 👎 ${a.not_helpful_count} · ${fmtTime(a.updated_at)}` }),
              ),
            ),
          ),
        ),
      );
    }
  }

  function sectionForm(s) {
    const form = h(
      'form',
      {
        onsubmit: async (e) => {
          e.preventDefault();
          const v = formValues(form);
          const payload = { locale: v.locale, title: v.title, position: Number(v.position || 0) };
          try {
            if (s) await patch(`/v1/agent/faq/sections/${enc(s.id)}`, payload);
            else await post('/v1/agent/faq/sections', payload);
            toast('Section saved');
            clear(editor);
            await load();
          } catch (err) {
            toast(`Save failed: ${err.message}`, true);
          }
        },
      },
      h('h2', { text: s ? 'Edit section' : 'New section' }),
      h('label', {}, 'Locale ', input('locale', s ? s.locale : localeFilter || 'en', { required: true })),
      h('label', {}, 'Title ', input('title', s && s.title, { required: true })),
      h('label', {}, 'Position ', input('position', s ? s.position : 0, { type: 'number' })),
      h('div', { class: 'row' }, h('button', { type: 'submit', text: 'Save' }), h('button', { type: 'button', class: 'secondary', text: 'Cancel', onclick: () => clear(editor) })),
    );
    clear(editor).append(form);
  }

  function articleForm(a, section) {
    const sectionSelect = h(
      'select',
      { name: 'section_id' },
      data.sections.map((s) => h('option', { value: s.id, text: `${s.title} (${s.locale})` })),
    );
    sectionSelect.value = a ? a.section_id : section.id;
    const form = h(
      'form',
      {
        onsubmit: async (e) => {
          e.preventDefault();
          const v = formValues(form);
          const payload = {
            section_id: v.section_id,
            locale: v.locale,
            title: v.title,
            body: v.body,
            tags: v.tags.split(',').map((t) => t.trim()).filter(Boolean),
            position: Number(v.position || 0),
            published: v.published,
          };
          try {
            if (a) await patch(`/v1/agent/faq/articles/${enc(a.id)}`, payload);
            else await post('/v1/agent/faq/articles', payload);
            toast('Article saved');
            clear(editor);
            await load();
          } catch (err) {
            toast(`Save failed: ${err.message}`, true);
          }
        },
      },
      h('h2', { text: a ? 'Edit article' : 'New article' }),
      h('label', {}, 'Section ', sectionSelect),
      h('label', {}, 'Locale ', input('locale', a ? a.locale : section.locale, { required: true })),
      h('label', {}, 'Title ', input('title', a && a.title, { required: true })),
      h('label', {}, 'Body ', h('textarea', { name: 'body', rows: 8, required: true, value: a ? a.body : '' })),
      h('label', {}, 'Tags (comma separated) ', input('tags', a ? a.tags.join(', ') : '')),
      h('label', {}, 'Position ', input('position', a ? a.position : 0, { type: 'number' })),
      h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'published', checked: a ? a.published : true }), ' Published'),
      h(
        'div',
        { class: 'row' },
        h('button', { type: 'submit', text: 'Save' }),
        a ? h('button', { type: 'button', class: 'danger', text: 'Delete article', onclick: () => removeArticle(a) }) : null,
        h('button', { type: 'button', class: 'secondary', text: 'Cancel', onclick: () => clear(editor) }),
      ),
    );
    clear(editor).append(form);
    editor.scrollIntoView({ behavior: 'smooth' });
  }

  async function removeSection(s) {
    if (!confirm(`Delete section "${s.title}"?`)) return;
    try {
      await del(`/v1/agent/faq/sections/${enc(s.id)}`);
      await load();
    } catch (err) {
      toast(err.status === 409 ? 'Delete its articles first.' : `Delete failed: ${err.message}`, true);
    }
  }

  async function removeArticle(a) {
    if (!confirm(`Delete article "${a.title}"?`)) return;
    try {
      await del(`/v1/agent/faq/articles/${enc(a.id)}`);
      clear(editor);
      await load();
    } catch (err) {
      toast(`Delete failed: ${err.message}`, true);
    }
  }

  locales.addEventListener('change', () => {
    localeFilter = locales.value;
    render();
  });
  page.append(
    h(
      'div',
      { class: 'row spread' },
      h('h1', { text: 'FAQ' }),
      h('div', { class: 'row' }, locales, h('button', { type: 'button', text: 'New section', 'data-testid': 'faq-new-section', onclick: () => sectionForm(null) })),
    ),
    editor,
    body,
    renderSynonyms(),
  );
  load().catch((e) => toast(e.message, true));
  return null;
}

// "Synonyms": an agent's term -> catalog words, e.g. "cell phone" -> phone, mobile. They win over the
// expansions the server finds itself (WordNet, deflections) for the same term.
function renderSynonyms() {
  const rows = h('tbody');
  const editor = h('div', { 'data-testid': 'synonym-form' });
  const words = (list) => list.join(', ');

  async function load() {
    const res = await get('/v1/agent/faq/synonyms');
    clear(rows);
    for (const s of res.synonyms) {
      rows.append(
        h(
          'tr',
          { 'data-testid': 'synonym-row' },
          h('td', { text: s.term }),
          h('td', { text: words(s.to) }),
          h('td', { text: s.locale || 'any' }),
          h('td', { text: fmtTime(s.updated_at) }),
          h('td', {}, h('button', { type: 'button', class: 'secondary', text: 'Edit', onclick: () => form(s) })),
        ),
      );
    }
    if (!res.synonyms.length) rows.append(h('tr', {}, h('td', { colspan: 5, class: 'muted', text: 'No synonyms yet.' })));
  }

  async function save(s, f) {
    const v = formValues(f);
    const payload = { term: v.term, to: v.to.split(',').map((t) => t.trim()).filter(Boolean), locale: v.locale.trim() };
    try {
      if (s) await put(`/v1/agent/faq/synonyms/${enc(s.id)}`, payload);
      else await post('/v1/agent/faq/synonyms', payload);
      toast('Synonym saved');
      clear(editor);
      await load();
    } catch (err) {
      toast(`Save failed: ${err.message}`, true);
    }
  }

  async function remove(s) {
    if (!confirm(`Delete synonym "${s.term}"?`)) return;
    try {
      await del(`/v1/agent/faq/synonyms/${enc(s.id)}`);
      clear(editor);
      await load();
    } catch (err) {
      toast(`Delete failed: ${err.message}`, true);
    }
  }

  function form(s) {
    const f = h(
      'form',
      { onsubmit: (e) => (e.preventDefault(), save(s, f)) },
      h('h2', { text: s ? 'Edit synonym' : 'New synonym' }),
      h('label', {}, 'Term (what users type, 1 to 3 words) ', input('term', s && s.term, { required: true, maxlength: 64 })),
      h('label', {}, 'Catalog words (comma separated, up to 8) ', input('to', s ? words(s.to) : '', { required: true })),
      h('label', {}, 'Locale (empty: any language) ', input('locale', s ? s.locale : '', { placeholder: 'en' })),
      h(
        'div',
        { class: 'row' },
        h('button', { type: 'submit', text: 'Save' }),
        s ? h('button', { type: 'button', class: 'danger', text: 'Delete', onclick: () => remove(s) }) : null,
        h('button', { type: 'button', class: 'secondary', text: 'Cancel', onclick: () => clear(editor) }),
      ),
    );
    clear(editor).append(f);
  }

  load().catch((e) => toast(e.message, true));
  return h(
    'section',
    { class: 'panel', 'data-testid': 'faq-synonyms' },
    h(
      'div',
      { class: 'row spread' },
      h('h2', { text: 'Synonyms' }),
      h('button', { type: 'button', text: 'New synonym', 'data-testid': 'synonym-new', onclick: () => form(null) }),
    ),
    h('p', { class: 'muted', text: 'Devices search with these offline: a user typing the term also finds articles with the catalog words.' }),
    editor,
    h('table', { class: 'list' }, h('thead', {}, h('tr', {}, ['Term', 'Catalog words', 'Locale', 'Updated', ''].map((c) => h('th', { text: c })))), rows),
  );
}
