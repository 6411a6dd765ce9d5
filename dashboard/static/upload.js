document.addEventListener("DOMContentLoaded", function () {
  var input = document.getElementById("upload-file"), note = document.getElementById("upload-too-large");
  if (!input || !note) { return; }
  input.addEventListener("change", function () {
    var file = input.files && input.files[0], big = !!file && file.size > Number(input.dataset.maxBytes);
    input.setCustomValidity(big ? note.dataset.message : "");
    note.textContent = big ? note.dataset.message : "";
    note.hidden = !big;
  });
});
