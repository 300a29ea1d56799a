// The peer a user would otherwise reach for: the same oppgaver as
// `finprod generate` (Tenor-style fødselsnummer and organisasjonsnummer with
// check digits, kontonummer/IBAN/ISIN, names, addresses, 1..3 products with
// amounts and an exact oppgaveoppsummering), written with @faker-js/faker as
// one compact JSON leveranse to stdout. Usage: node faker.mjs N
import { writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

// faker is installed under bench/generate/node (run.sh), outside the
// directories Node searches from here.
const fakerPath = createRequire(new URL('./node/', import.meta.url)).resolve('@faker-js/faker');
const { faker } = await import(pathToFileURL(fakerPath).href);

const n = Number(process.argv[2] ?? 1000);
faker.seed(1);

const mod11 = (digits, weights) => {
  let s = 0;
  for (let i = 0; i < weights.length; i++) s += digits[i] * weights[i];
  const c = 11 - (s % 11);
  return c === 11 ? 0 : c; // 10 = no such number
};
const two = (v) => String(v).padStart(2, '0');

function fnr(dnr) {
  for (;;) {
    const born = faker.date.between({ from: '1930-01-01', to: '2007-12-31' });
    const y = born.getUTCFullYear();
    const ind = y >= 2000 ? faker.number.int({ min: 500, max: 999 }) : faker.number.int({ min: 0, max: 499 });
    const s = two(born.getUTCDate() + (dnr ? 40 : 0)) + two(born.getUTCMonth() + 1 + 80) + two(y % 100) + String(ind).padStart(3, '0');
    const d = [...s].map(Number);
    const k1 = mod11(d, [3, 7, 6, 1, 8, 9, 4, 5, 2]);
    if (k1 === 10) continue;
    d.push(k1);
    const k2 = mod11(d, [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]);
    if (k2 === 10) continue;
    return { fnr: s + k1 + k2, dato: born.toISOString().slice(0, 10) };
  }
}
function orgnr() {
  for (;;) {
    const d = [faker.helpers.arrayElement([2, 3]), ...Array.from({ length: 7 }, () => faker.number.int(9))];
    const c = mod11(d, [3, 2, 7, 6, 5, 4, 3, 2]);
    if (c !== 10) return d.join('') + c;
  }
}
function kontonummer() {
  for (;;) {
    const d = [faker.number.int({ min: 1, max: 9 }), ...Array.from({ length: 9 }, () => faker.number.int(9))];
    const c = mod11(d, [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]);
    if (c !== 10) return d.join('') + c;
  }
}
function iban(k) {
  let r = 0;
  for (const ch of k + '232400') r = (r * 10 + Number(ch)) % 97;
  return 'NO' + two(98 - r) + k;
}
function isin() {
  const body = faker.helpers.arrayElement(['NO', 'US', 'SE', 'DE']) + faker.string.numeric(9);
  const digits = [...body].map((c) => (c >= 'A' ? String(c.charCodeAt(0) - 55) : c)).join('');
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) { d *= 2; if (d > 9) d -= 9; }
    sum += d;
  }
  return body + ((10 - (sum % 10)) % 10);
}
const typer = ['aksjer', 'aksjefond', 'rentefond', 'bankinnskudd', 'obligasjoner'];
const amount = () => faker.number.int({ min: 1, max: 10 ** faker.number.int({ min: 2, max: 7 }) });

const sums = { f: 0, su: 0, r: 0, a: 0, g: 0, t: 0, sk: 0, uu: 0, sv: 0 };
function produkt() {
  const typ = faker.helpers.arrayElement(typer);
  const p = { finansprodukttype: typ, finansproduktnavn: faker.company.name() };
  if (typ !== 'bankinnskudd') {
    p.isin = isin();
    p.antall = String(faker.number.int({ min: 1, max: 50000 }));
  }
  const f = amount();
  p.formuesverdi = { beloepINOK: String(f) };
  sums.f += f;
  if (faker.number.int(9) < 4) {
    const u = amount(), s = faker.number.int(u);
    p.skattepliktigUtbytte = { beloepINOK: String(u - s) };
    p.utdeltUtbytte = { beloepINOK: String(u) };
    p.anvendtSkjerming = String(s);
    sums.uu += u; sums.su += u - s; sums.sk += s;
  }
  if (faker.number.int(4) === 0) {
    const v = amount(), g = faker.number.int(v);
    p.salgsvederlag = { beloepINOK: String(v) };
    p.gevinstEllerTap = faker.datatype.boolean() ? { skattepliktigGevinst: String(g) } : { fradragsberettigetTap: String(g) };
    sums.sv += v;
    if (p.gevinstEllerTap.skattepliktigGevinst) sums.g += g; else sums.t += g;
  }
  return p;
}
function oppgave() {
  const eier = {};
  if (faker.number.int(99) < 85) {
    const { fnr: f, dato } = fnr(faker.number.int(19) === 0);
    eier.person = { foedselsnummer: f, fornavn: faker.person.firstName(), etternavn: faker.person.lastName(), foedselsdato: dato };
  } else {
    eier.organisasjon = { organisasjonsnummer: orgnr(), navn: faker.company.name() };
  }
  eier.adresse = { landkode: 'NO', adresseStrukturert: { adresselinje: faker.location.streetAddress(), postnummer: faker.location.zipCode('####'), byEllerStedsnavn: faker.location.city() } };
  const k = kontonummer();
  const useIban = faker.number.int(4) === 0;
  return {
    oppgaveeier: eier,
    konto: {
      kontonummer: useIban ? iban(k) : k,
      kontonummertype: useIban ? 'IBAN' : 'kontonummer',
      finansprodukt: Array.from({ length: faker.number.int({ min: 1, max: 3 }) }, produkt),
    },
  };
}

const header = { kildesystem: 'faker-js', oppgavegiver: { organisasjonsnummer: orgnr() }, inntektsaar: 2025,
  oppgavegiversLeveranseReferanse: 'faker-1', leveransetype: 'ordinaer' };
let buf = JSON.stringify({ leveranse: header }).slice(0, -2) + ',"oppgave":[';
for (let i = 0; i < n; i++) {
  buf += (i ? ',' : '') + JSON.stringify(oppgave());
  if (buf.length > 1 << 16) { writeSync(1, buf); buf = ''; }
}
const s = (v) => String(v);
buf += '],"oppgaveoppsummering":' + JSON.stringify({ antallOppgaver: n, sumFormuesverdi: s(sums.f),
  sumSkattepliktigUtbytte: s(sums.su), sumRenteinntekt: s(sums.r), sumAnnenInntektEllerUtbetaling: s(sums.a),
  sumGevinst: s(sums.g), sumTap: s(sums.t), sumAnvendtSkjerming: s(sums.sk), sumUtdeltUtbytte: s(sums.uu),
  sumSalgsvederlag: s(sums.sv) }) + '}}\n';
writeSync(1, buf);
