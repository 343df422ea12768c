// booking.js - "Book shipment" in the route panel: books the option shown
// (the route query as it was asked, and which of its options) with a
// reference, containers, ready and promised times and a writer token, by
// POST /v1/shipments, then opens the shipment in the Shipments view.
// The token goes only in the Authorization header, never in a URL, and
// is kept in this tab's sessionStorage like the reader token.
import { t } from './i18n.js';

const $ = (id) => document.getElementById(id);

function say(msg, error) {
  $('book-msg').textContent = msg;
  $('book-msg').className = error ? 'error' : '';
}

// The body of the booking: the route options of the query (as /v1/route
// reads them) and which option.  A Pareto query books option N of its set;
// a window of departures books the chosen departure itself.
export function bookingBody(q, choice, form) {
  const body = Object.fromEntries(q.entries());
  delete body.pareto;
  const c = (body.cargo || '').match(/^(?:([0-9.]+)x?)?(20ft|40ft|t)$/);
  if (c) {
    body.cargo = c[2];
    body.quantity = Number(c[1] || '1');
  }
  if (choice.pareto) {
    body.option = choice.sel + 1;
  } else if (choice.sel > 0 && choice.route && choice.route.depart) {
    body.depart = choice.route.depart;
    delete body.window;
  }
  body.ref = form.ref;
  body.containers = form.containers.split(/[\s,;]+/).map((x) => x.trim().toUpperCase()).filter(Boolean);
  body.ready = form.ready;
  if (form.promised) body.promised = `${form.promised}Z`;
  return body;
}

// Ready defaults to the query's "ready at" (a timetabled query).
export function prefillBooking(q) {
  if (!$('book-ready').value && q.get('depart')) $('book-ready').value = q.get('depart').slice(0, 16);
}

export function initBooking({ getQuery, getChoice, onBooked }) {
  try { $('book-token').value = sessionStorage.getItem('silkroute.writer') || ''; } catch { /* private mode */ }
  $('book-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const tok = $('book-token').value.trim();
    try { sessionStorage.setItem('silkroute.writer', tok); } catch { /* private mode */ }
    const body = bookingBody(getQuery(), getChoice(), {
      ref: $('book-ref').value.trim(), containers: $('book-containers').value, ready: $('book-ready').value,
      promised: $('book-promised').value,
    });
    $('book-go').disabled = true;
    say(t('searching'));
    let r, answer = null;
    try {
      r = await fetch('/v1/shipments', {
        method: 'POST', headers: { Authorization: `Bearer ${tok}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      try { answer = await r.json(); } catch { answer = { message: `HTTP ${r.status}` }; }
    } catch (err) {
      r = { status: 0 };
      answer = { message: String(err) };
    }
    $('book-go').disabled = false;
    if (r.status !== 201) {
      say(`${r.status}: ${answer.message || answer.code}`, true);
      document.body.dataset.booked = 'error';
      return;
    }
    say(t('booked', answer.shipment.ref));
    document.body.dataset.booked = answer.shipment.ref;
    await onBooked(answer.shipment.ref, tok);
  });
}
