// On a phone an admin list's rows are stacked cards (admin.css): each cell names its column.
document.querySelectorAll("#result_list").forEach((table) => {
  const names = [...table.querySelectorAll("thead th")].map((th) => th.textContent.trim());
  table.querySelectorAll("tbody tr").forEach((row) => {
    [...row.children].forEach((cell, index) => {
      if (names[index]) cell.dataset.label = names[index];
    });
  });
});
