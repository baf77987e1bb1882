/* The rule editor's conditions: offer only the operators the chosen field's type allows.
 * Each field option carries them in data-operators (rules.forms.FieldSelectWithOperators); the server
 * still refuses a wrong pair, this only keeps people from picking one. Rows added with
 * "Add another condition" are covered too (the listener is on the document). */
(function () {
  "use strict";

  function operatorSelectFor(fieldSelect) {
    var name = fieldSelect.name.replace(/field_id$/, "operator");
    return document.querySelector('select[name="' + name + '"]');
  }

  function filterOperators(fieldSelect) {
    var operatorSelect = operatorSelectFor(fieldSelect);
    if (!operatorSelect) return;
    var chosen = fieldSelect.options[fieldSelect.selectedIndex];
    var list = chosen ? chosen.getAttribute("data-operators") : null;
    var allowed = list === null ? null : list.split(" ");
    Array.prototype.forEach.call(operatorSelect.options, function (option) {
      var ok = option.value === "" || allowed === null || allowed.indexOf(option.value) !== -1;
      option.hidden = !ok;
      option.disabled = !ok;
    });
    var current = operatorSelect.options[operatorSelect.selectedIndex];
    if (current && current.disabled) operatorSelect.value = "";
  }

  function filterAll() {
    document.querySelectorAll("select.rule-condition-field").forEach(filterOperators);
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("select.rule-condition-field")) filterOperators(event.target);
  });
  document.addEventListener("formset:added", filterAll);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", filterAll);
  else filterAll();
})();
