<%@ Page Language="C#" %>
<html><body>HR</body></html>
